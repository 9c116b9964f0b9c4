use crate::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// Print the table as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let types: Vec<_> = archive.doc_types().iter().collect();
    if args.json {
        super::print_json(&types)?;
    } else {
        for t in types {
            let validity = match t.validity {
                schemas::UsualValidity::Permanent => "permanent".to_string(),
                schemas::UsualValidity::Months(n) => format!("{n} months"),
                schemas::UsualValidity::PerIssuer => "per issuer".to_string(),
                schemas::UsualValidity::None => "none".to_string(),
            };
            println!("{:<34}{:<12}{}", t.key, validity, t.title);
        }
    }
    Ok(Outcome::Success)
}
