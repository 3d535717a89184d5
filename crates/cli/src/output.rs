//! How commands print: text for people, JSON for scripts, progress bars on stderr.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Output format of a command's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// One JSON document on stdout.
    Json,
}

/// Where results go, and whether to draw progress.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Text or JSON.
    pub format: Format,
    /// No progress bars and no text chatter.
    pub quiet: bool,
}

impl Output {
    /// Prints a line of text (nothing in JSON mode). A closed pipe is not an error.
    pub fn line(&self, text: impl AsRef<str>) {
        if self.format == Format::Text {
            write_stdout(text.as_ref());
        }
    }

    /// Prints `value` as JSON in JSON mode.
    pub fn json<T: Serialize>(&self, value: &T) {
        if self.format == Format::Json {
            let text = serde_json::to_string_pretty(value)
                .unwrap_or_else(|e| unreachable!("summaries always serialize: {e}"));
            write_stdout(&text);
        }
    }

    /// Prints a warning on stderr, in every format: something failed that did not stop the
    /// command.
    pub fn warn(&self, text: impl AsRef<str>) {
        eprintln!("warning: {}", text.as_ref());
    }

    /// A progress bar counting bytes, hidden when quiet or in JSON mode (and, by indicatif,
    /// when stderr is not a terminal).
    pub fn bytes_bar(&self, total: u64, message: String) -> ProgressBar {
        self.bar(
            total,
            message,
            "{bytes:>9}/{total_bytes:9} {bytes_per_sec:>11}",
        )
    }

    /// A progress bar counting items.
    pub fn count_bar(&self, total: u64, message: String) -> ProgressBar {
        self.bar(total, message, "{human_pos:>9}/{human_len:9} {per_sec:>11}")
    }

    /// A spinner with the elapsed time, for a step whose progress cannot be counted.
    pub fn spinner(&self, message: String) -> ProgressBar {
        if self.quiet || self.format == Format::Json {
            return ProgressBar::hidden();
        }
        let style = ProgressStyle::with_template("{spinner:.green} {msg:30!} {elapsed:>4}")
            .unwrap_or_else(|e| unreachable!("the template is valid: {e}"));
        let bar = ProgressBar::new_spinner()
            .with_style(style)
            .with_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    fn bar(&self, total: u64, message: String, counts: &str) -> ProgressBar {
        if self.quiet || self.format == Format::Json {
            return ProgressBar::hidden();
        }
        let template =
            format!("{{spinner:.green}} {{msg:30!}} [{{bar:32.cyan/blue}}] {counts} {{eta:>4}}");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|e| unreachable!("the template is valid: {e}"))
            .progress_chars("=> ");
        let bar = ProgressBar::new(total)
            .with_style(style)
            .with_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        // The reader went away (`cible ... | head`): stop quietly, as Unix tools do.
        std::process::exit(0);
    }
}

/// Joins `items` with ", " into lines of at most `width` characters, a comma ending every line
/// but the last (an item longer than that stands alone on its line).
pub fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for item in items {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 2 + item.chars().count() <= width => {
                line.push_str(", ");
                line.push_str(item);
            }
            Some(line) => {
                line.push(',');
                lines.push(item.clone());
            }
            None => lines.push(item.clone()),
        }
    }
    lines
}

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `23456789` → `23.5 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A path as the user should see it.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_wrap_at_the_width() {
        let items: Vec<String> = ["alpha", "beta", "gamma", "delta"]
            .map(String::from)
            .to_vec();
        assert_eq!(wrap(&items, 12), ["alpha, beta,", "gamma, delta"]);
        assert_eq!(wrap(&items, 100), ["alpha, beta, gamma, delta"]);
        assert!(wrap(&[], 10).is_empty());
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(23_456_789), "23.5 MB");
    }
}
