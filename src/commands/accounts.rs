//! `kho user ...` and `kho token create`: accounts are made on the machine that holds the store.

use crate::{Outcome, UsageError};
use archive_core::accounts::TokenKind;
use schemas::Principal;
use std::io::{BufRead, IsTerminal, Write};

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (one line).
    Add(UserAdd),
    /// List users.
    List,
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
    /// Days until it expires (default: never).
    #[arg(long)]
    days: Option<u32>,
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
            search_api::auth::add_user(&archive, who.clone(), &password).map_err(|e| match e {
                search_api::auth::AuthError::Rule(rule) => UsageError(rule).into(),
                other => anyhow::Error::new(other),
            })?;
            println!("kho: user {} added ({})", who.name, who.role);
        }
        UserCommand::List => {
            for account in archive.accounts().users()? {
                let p = &account.principal;
                let binding = p
                    .agency_code
                    .as_deref()
                    .or(p.owner_id.as_deref())
                    .unwrap_or("");
                println!("{}\t{}\t{binding}", p.name, p.role);
            }
        }
    }
    Ok(Outcome::Success)
}

pub fn token(store: &super::Store, command: TokenCommand) -> anyhow::Result<Outcome> {
    let TokenCommand::Create(args) = command;
    let archive = store.open()?;
    let who = principal(
        &args.name,
        &args.role,
        args.agency.as_deref(),
        args.owner.as_deref(),
    )?;
    let ttl = args
        .days
        .map(|d| std::time::Duration::from_secs(u64::from(d.clamp(1, 3650)) * 86_400));
    let (token, grant) = search_api::auth::create_token(&archive, who, TokenKind::Api, None, ttl)?;
    if args.json {
        super::print_json(&serde_json::json!({
            "token": token,
            "role": grant.principal.role,
            "name": grant.principal.name,
            "expires_at": grant.expires_at.map(|t| t.to_string()),
        }))?;
    } else {
        println!("{token}");
    }
    Ok(Outcome::Success)
}
