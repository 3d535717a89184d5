//! Generates a demo data set and prints what it wrote and the project-file sources that read
//! it: `cargo run --release -p cible-generator --example generate -- OUT [ACCOUNTS] [csv|parquet]`.

use std::path::PathBuf;

use cible_generator::{GenerateParams, OutputFormat, demo_sources, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "demo".into()));
    let accounts = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let format: OutputFormat = args
        .next()
        .map(|f| f.parse())
        .transpose()?
        .unwrap_or_default();
    let params = GenerateParams::new(accounts).format(format);
    let summary = generate(&params, &out, &|_, _, _| {})?;
    println!("{}", serde_json::to_string_pretty(&summary)?);
    println!("{}", serde_json::to_string_pretty(&demo_sources(format))?);
    Ok(())
}
