//! One module per command.

pub mod cluster;
pub mod dedup;
pub mod demo;
mod demo_segments;
pub mod features;
pub mod generate;
pub mod ingest;
pub mod init;
pub mod rfm;
pub mod run;
pub mod score;

use clap::Args;

use crate::output::{Format, Output};

/// `--format` for commands that print results.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// How to print results: text for people, json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl FormatArg {
    /// The output settings, given the global `--quiet` and `--json` flags.
    pub fn output(&self, quiet: bool, json: bool) -> Output {
        Output {
            format: if json { Format::Json } else { self.format },
            quiet,
        }
    }
}
