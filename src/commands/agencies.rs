//! `kho agencies`: the agency names in force (built in, extended by DIR/agencies.csv).

use crate::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// Print the table as JSON (`[{"code", "name"}]`).
    #[arg(long)]
    json: bool,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let rows: Vec<(&str, &str)> = archive.agencies().iter().collect();
    if args.json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, name)| serde_json::json!({"code": code, "name": name}))
            .collect();
        super::print_json(&rows)?;
    } else {
        for (code, name) in rows {
            println!("{code:<24}{name}");
        }
    }
    Ok(Outcome::Success)
}
