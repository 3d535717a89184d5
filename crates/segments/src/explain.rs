//! DataFusion's messages about a user's SQL expression turned into ones that point at the
//! place in the expression and list what could have been meant.

use std::fmt::Write;

/// A readable explanation of why `expression` failed with DataFusion's `message`, given the
/// `columns` it could use: the problem, a caret under its place in the expression, and the
/// columns (with the closest one when a column is unknown).
pub fn explain(expression: &str, message: &str, columns: &[String]) -> String {
    let mut out = String::new();
    let (problem, at) = if let Some(name) = unknown_column(message) {
        let at = find_word(expression, &name);
        let mut problem = format!("unknown column `{name}`");
        if let Some(best) = closest(&name, columns) {
            let _ = write!(problem, " (did you mean `{best}`?)");
        }
        (problem, at)
    } else {
        let at = parser_column(message)
            .map(|c| c.saturating_sub(1))
            .or_else(|| {
                message
                    .contains("found: EOF")
                    .then_some(expression.trim_end().len())
            });
        (tidy(message), at)
    };
    out.push_str(&problem);
    let _ = write!(out, "\n  in: {expression}");
    if let Some(at) = at {
        let offset = expression[..at.min(expression.len())].chars().count();
        let _ = write!(
            out,
            "\n      {}^ at character {}",
            " ".repeat(offset),
            offset + 1
        );
    }
    let _ = write!(out, "\n  columns: {}", columns.join(", "));
    out
}

/// The column DataFusion could not find, from "No field named X".
pub fn unknown_column(message: &str) -> Option<String> {
    let rest = &message[message.find("No field named ")? + "No field named ".len()..];
    let name: String = rest
        .trim_start_matches(['"', '`'])
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let name = name.trim_end_matches('.');
    // Unqualified names come back as they were written; qualified ones keep the last part.
    Some(name.rsplit('.').next().unwrap_or(name).to_string()).filter(|n| !n.is_empty())
}

/// The 1-based column of a parser error, from "at Line: 1, Column: N".
fn parser_column(message: &str) -> Option<usize> {
    let rest = &message[message.find("Column: ")? + "Column: ".len()..];
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// DataFusion's message without its error-kind prefixes and backtrace-like noise.
fn tidy(message: &str) -> String {
    let mut m = message.trim();
    for prefix in [
        "SQL error: ",
        "sql parser error: ",
        "Error during planning: ",
        "Schema error: ",
        "ParserError(\"",
        "Optimizer rule 'type_coercion' failed\ncaused by\n",
        "type_coercion\ncaused by\n",
    ] {
        while let Some(rest) = m.strip_prefix(prefix) {
            m = rest.trim_start();
        }
    }
    let m = m.trim_end_matches("\")").trim();
    m.lines().next().unwrap_or(m).to_string()
}

/// The byte offset of `word` in `text` as a whole word, ignoring ASCII case.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    lower.match_indices(&word).map(|(i, _)| i).find(|&i| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The column most like `name`, when one is close enough to be a likely typo.
fn closest<'a>(name: &str, columns: &'a [String]) -> Option<&'a str> {
    columns
        .iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<String> {
        ["account_id", "employees", "region"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn an_unknown_column_is_pointed_at_with_a_suggestion() {
        let e = explain(
            "region = 'Île-de-France' AND employes > 10",
            "Schema error: No field named employes. Valid fields are account_id, employees, region.",
            &columns(),
        );
        assert!(
            e.starts_with("unknown column `employes` (did you mean `employees`?)"),
            "{e}"
        );
        // The caret is under the column, counted in characters (Î is one).
        let lines: Vec<&str> = e.lines().collect();
        let column = lines[1][..lines[1].find("employes").unwrap()]
            .chars()
            .count();
        assert_eq!(Some(column), lines[2].find('^'), "{e}");
        assert!(lines[2].ends_with("at character 30"), "{e}");
        assert!(lines[3].contains("account_id, employees, region"), "{e}");
    }

    #[test]
    fn a_syntax_error_keeps_the_parser_position() {
        let e = explain(
            "employees >",
            "SQL error: ParserError(\"Expected: an expression, found: EOF at Line: 1, Column: 12\")",
            &columns(),
        );
        assert!(e.starts_with("Expected: an expression, found: EOF"), "{e}");
        assert!(e.contains("^ at character 12"), "{e}");
        let e = explain(
            "employees >",
            "Expected: an expression, found: EOF",
            &columns(),
        );
        assert!(e.contains("^ at character 12"), "{e}");
    }

    #[test]
    fn words_are_found_whole() {
        assert_eq!(find_word("region_code = region", "region"), Some(14));
        assert_eq!(find_word("x", "region"), None);
        assert_eq!(closest("zzz", &columns()), None);
    }
}
