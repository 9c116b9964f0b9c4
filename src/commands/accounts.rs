//! `kho user ...` and `kho token ...`: accounts are made and ended on the machine that holds
//! the store, as an admin at the console (`cli:NAME` in the admin audit trail).

use crate::{Outcome, UsageError};
use schemas::Principal;
use std::io::{BufRead, IsTerminal, Write};

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (one line).
    Add(UserAdd),
    /// List users.
    List,
    /// Disable a user: they cannot sign in, and their open sessions end at once.
    Disable(UserName),
    /// Enable a disabled user again.
    Enable(UserName),
    /// Give a user a new password, read from standard input (one line); their sessions end.
    Password(UserName),
}

#[derive(clap::Args)]
pub struct UserName {
    /// The user name.
    name: String,
}

#[derive(clap::Args)]
pub struct UserAdd {
    /// The user name they sign in with.
    name: String,
    #[arg(long)]
    role: String,
    /// A clerk's agency code (e.g. H47.15 or 000.00.00.H47).
    #[arg(long)]
    agency: Option<String>,
    /// A citizen's personal ID or an organization's enterprise code.
    #[arg(long)]
    owner: Option<String>,
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Make an API token for a program; printed once, stored only as a hash.
    Create(TokenCreate),
    /// Revoke the API tokens of this name: they get 401 at once.
    Revoke(TokenRevoke),
}

#[derive(clap::Args)]
pub struct TokenRevoke {
    /// The name the token was made with (`--name`).
    name: String,
}

#[derive(clap::Args)]
pub struct TokenCreate {
    #[arg(long)]
    role: String,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    agency: Option<String>,
    /// What the token is for.
    #[arg(long, default_value = "api")]
    name: String,
    /// Days until it expires (1 to 3650); 0 for a token that lasts until revoked.
    #[arg(long, default_value_t = search_api::auth::DEFAULT_TOKEN_DAYS)]
    days: u32,
    #[arg(long)]
    json: bool,
}

fn principal(
    name: &str,
    role: &str,
    agency: Option<&str>,
    owner: Option<&str>,
) -> anyhow::Result<Principal> {
    Principal::parse(name, role, agency, owner).map_err(|e| {
        let flag = if e.field == "role" { "--role" } else { name };
        UsageError(format!("{flag}: {}", e.rule)).into()
    })
}

fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Mật khẩu (password, shown as typed): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn user(store: &super::Store, command: UserCommand) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    match command {
        UserCommand::Add(args) => {
            let who = principal(
                &args.name,
                &args.role,
                args.agency.as_deref(),
                args.owner.as_deref(),
            )?;
            let password = read_password()?;
            search_api::auth::add_user(&archive, &super::local_admin(), who.clone(), &password)
                .map_err(rule_error)?;
            println!("kho: user {} added ({})", who.name, who.role);
        }
        UserCommand::Disable(UserName { name }) => {
            let ended = archive.set_user_disabled(&super::local_admin(), &name, true)?;
            println!("kho: user {name} disabled ({ended} sessions ended)");
        }
        UserCommand::Enable(UserName { name }) => {
            archive.set_user_disabled(&super::local_admin(), &name, false)?;
            println!("kho: user {name} enabled");
        }
        UserCommand::Password(UserName { name }) => {
            let password = read_password()?;
            let ended =
                search_api::auth::set_password(&archive, &super::local_admin(), &name, &password)
                    .map_err(rule_error)?;
            println!("kho: new password for {name} ({ended} sessions ended)");
        }
        UserCommand::List => {
            for account in archive.accounts().users()? {
                let p = &account.principal;
                let binding = p
                    .agency_code
                    .as_deref()
                    .or(p.owner_id.as_deref())
                    .unwrap_or("");
                let state = if account.disabled { "disabled" } else { "" };
                println!("{}\t{}\t{binding}\t{state}", p.name, p.role);
            }
        }
    }
    Ok(Outcome::Success)
}

fn rule_error(e: search_api::auth::AuthError) -> anyhow::Error {
    match e {
        search_api::auth::AuthError::Rule(rule) => UsageError(rule).into(),
        other => anyhow::Error::new(other),
    }
}

pub fn token(store: &super::Store, command: TokenCommand) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let args = match command {
        TokenCommand::Create(args) => args,
        TokenCommand::Revoke(TokenRevoke { name }) => {
            let revoked = archive.revoke_tokens(&super::local_admin(), &name)?;
            println!("kho: {revoked} token(s) named {name} revoked");
            return Ok(Outcome::Success);
        }
    };
    let who = principal(
        &args.name,
        &args.role,
        args.agency.as_deref(),
        args.owner.as_deref(),
    )?;
    let days = (args.days > 0).then_some(args.days);
    let (token, grant) =
        search_api::auth::create_api_token(&archive, &super::local_admin(), who, days)
            .map_err(rule_error)?;
    let expires = grant.expires_at.map(|t| schemas::iso_date(t.date()));
    if args.json {
        super::print_json(&serde_json::json!({
            "token": token,
            "role": grant.principal.role,
            "name": grant.principal.name,
            // RFC 3339, as the API writes it (`time`'s Display form is not a standard).
            "expires_at": grant
                .expires_at
                .map(|t| t.format(&time::format_description::well_known::Rfc3339))
                .transpose()?,
            "made_by": grant.made_by,
        }))?;
    } else {
        println!("{token}");
        match expires {
            Some(day) => eprintln!("kho: token {} expires on {day}", grant.principal.name),
            None => eprintln!("kho: token {} never expires", grant.principal.name),
        }
    }
    Ok(Outcome::Success)
}
