//! The checks and fills of `[clean]`: business rules as SQL predicates (`[[clean.rules]]`),
//! outlier detectors (`[[clean.outliers]]`) and missing-value strategies (`[[clean.impute]]`).
//!
//! ```toml
//! [[clean.rules]]
//! name = "employees_not_negative"
//! table = "accounts"
//! check = "employees >= 0"        # rows where this is false break the rule; NULL passes
//! action = "reject"               # flag (default) | reject
//!
//! [[clean.outliers]]
//! table = "orders"
//! column = "amount"
//! method = "mad"                  # iqr | zscore | mad (default)
//! log = true                      # fences on a log scale, for amounts
//! by = "product"                  # fences per product
//! action = "flag"                 # flag (default) | cap | clear | reject
//!
//! [[clean.impute]]
//! table = "accounts"
//! columns = ["revenue"]
//! strategy = "knn"                # drop | constant | mean | median | mode | knn
//! using = ["employees"]
//! ```

use std::collections::HashSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::schema::{ColumnType, TableKind};

/// `Err((key, value, expected))`: the first bad setting.
pub type CheckResult = Result<(), (String, String, String)>;

/// What a broken rule does to its row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleAction {
    /// The row stays; a `rule_<name>` column says it breaks the rule.
    #[default]
    Flag,
    /// The row goes to the rejects table with the rule's name.
    Reject,
}

impl RuleAction {
    /// The action as written in the project file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flag => "flag",
            Self::Reject => "reject",
        }
    }
}

/// A business rule: a SQL predicate every row of a table should satisfy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// The rule's name (letters, digits, `_`), shown in reports and the rejects table.
    pub name: String,
    /// The table it applies to: accounts, contacts, orders or events.
    pub table: String,
    /// A SQL predicate over the table's columns, e.g. `employees >= 0` or
    /// `ordered_at <= now()`. Rows where it is false break the rule; where it is NULL (a value
    /// is missing) they do not, as with SQL CHECK constraints.
    pub check: String,
    /// flag (default) or reject.
    #[serde(default)]
    pub action: RuleAction,
}

/// How outliers are found; see cible-ml's `OutlierMethod`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutlierMethodName {
    /// Tukey's fences, Q1 − t·IQR and Q3 + t·IQR (default t 1.5).
    Iqr,
    /// Mean ± t standard deviations (default t 3).
    Zscore,
    /// Median ± t·1.4826·MAD, a modified z-score (default t 3.5).
    #[default]
    Mad,
}

impl std::fmt::Display for OutlierMethodName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Iqr => "iqr",
            Self::Zscore => "zscore",
            Self::Mad => "mad",
        })
    }
}

/// What an outlier detector does to the values outside its fences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutlierAction {
    /// The value stays; a `<column>_outlier` column says it is one.
    #[default]
    Flag,
    /// The value becomes the nearer fence (flagged too).
    Cap,
    /// The value is emptied (flagged too), for imputation to fill.
    Clear,
    /// The row goes to the rejects table.
    Reject,
}

impl OutlierAction {
    /// The action as written in the project file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flag => "flag",
            Self::Cap => "cap",
            Self::Clear => "clear",
            Self::Reject => "reject",
        }
    }
}

/// An outlier detector on one numeric column.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutlierConfig {
    /// The table: accounts, contacts, orders or events.
    pub table: String,
    /// A numeric canonical column of the table; with `expression`, the name given to the
    /// expression's value (letters, digits, `_`; not a column of the table).
    pub column: String,
    /// A SQL expression over the table's columns whose value is checked instead of a column,
    /// e.g. `amount / quantity` for the unit price; only flag and reject apply to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// iqr, zscore or mad (default).
    #[serde(default)]
    pub method: OutlierMethodName,
    /// The method's threshold; default 1.5 (iqr), 3 (zscore), 3.5 (mad).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Whether fences are found on `sign(x)·ln(1 + |x|)`, for amounts and head counts that span
    /// orders of magnitude. Default: false.
    #[serde(default)]
    pub log: bool,
    /// A canonical column whose values get fences of their own (e.g. orders' `product`);
    /// groups of fewer than 20 values use the whole column's fences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// flag (default), cap, clear or reject.
    #[serde(default)]
    pub action: OutlierAction,
}

/// How the missing values of some columns are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImputeStrategy {
    /// Rows missing a value go to the rejects table.
    Drop,
    /// A given `value`.
    Constant,
    /// The column's mean (numeric columns).
    Mean,
    /// The column's median (numeric columns).
    Median,
    /// The most frequent value; ties go to the smallest.
    Mode,
    /// The mean of the k nearest rows that have a value, by the `using` columns standardized
    /// (numeric columns).
    Knn,
}

impl ImputeStrategy {
    /// The strategy as written in the project file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Drop => "drop",
            Self::Constant => "constant",
            Self::Mean => "mean",
            Self::Median => "median",
            Self::Mode => "mode",
            Self::Knn => "knn",
        }
    }

    /// Whether the strategy computes with numbers.
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Mean | Self::Median | Self::Knn)
    }
}

/// A missing-value strategy for some columns of a table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImputeConfig {
    /// The table: accounts, contacts, orders or events.
    pub table: String,
    /// Canonical columns of the table (not its id).
    pub columns: Vec<String>,
    /// drop, constant, mean, median, mode or knn.
    pub strategy: ImputeStrategy,
    /// The value of `constant`, as it would be written in a source file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Neighbours averaged by `knn`. Default: 5.
    #[serde(default = "default_neighbours")]
    pub neighbours: usize,
    /// Numeric columns `knn` measures distances on, standardized; default: `columns`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub using: Vec<String>,
}

/// A setting of `[clean]` that applies to one table.
pub trait OnTable {
    /// The table's name as written.
    fn table(&self) -> &str;
}

macro_rules! on_table {
    ($($t:ty),*) => {$(
        impl OnTable for $t {
            fn table(&self) -> &str {
                &self.table
            }
        }
    )*};
}

on_table!(RuleConfig, OutlierConfig, ImputeConfig);

/// The settings of `items` that apply to table `kind`, in order.
pub fn for_table<T: OnTable>(items: &[T], kind: TableKind) -> Vec<&T> {
    items
        .iter()
        .filter(|i| TableKind::from_str(i.table()).ok() == Some(kind))
        .collect()
}

fn default_neighbours() -> usize {
    5
}

fn is_numeric(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Integer | ColumnType::Number)
}

fn bad(key: String, value: impl std::fmt::Debug, expected: impl Into<String>) -> CheckResult {
    Err((key, format!("{value:?}"), expected.into()))
}

fn table_of(key: &str, table: &str) -> Result<TableKind, (String, String, String)> {
    TableKind::from_str(table).map_err(|_| {
        (
            format!("{key}.table"),
            format!("{table:?}"),
            "expected accounts, contacts, orders or events".into(),
        )
    })
}

/// Checks that `column` is a canonical column of `table` (numeric when `numeric`).
fn column_of(key: String, table: TableKind, column: &str, numeric: bool) -> CheckResult {
    let columns = || {
        table
            .columns()
            .iter()
            .filter(|c| !numeric || is_numeric(c.ty))
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match table.column(column) {
        Some(c) if !numeric || is_numeric(c.ty) => Ok(()),
        Some(_) => bad(
            key,
            column,
            format!("expected a numeric column of {table}: {}", columns()),
        ),
        None => bad(
            key,
            column,
            format!("expected a column of {table}: {}", columns()),
        ),
    }
}

/// Checks `[[clean.rules]]`, `[[clean.outliers]]` and `[[clean.impute]]`.
pub fn check_clean(
    rules: &[RuleConfig],
    outliers: &[OutlierConfig],
    impute: &[ImputeConfig],
) -> CheckResult {
    let mut names = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let key = format!("clean.rules[{i}]");
        let valid = !rule.name.is_empty()
            && rule
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return bad(
                format!("{key}.name"),
                &rule.name,
                "expected a name of letters, digits and _",
            );
        }
        if !names.insert(rule.name.as_str()) {
            return bad(
                format!("{key}.name"),
                &rule.name,
                "expected a name no other rule has",
            );
        }
        table_of(&key, &rule.table)?;
        if rule.check.trim().is_empty() {
            return bad(
                format!("{key}.check"),
                &rule.check,
                "expected a SQL predicate such as `employees >= 0`",
            );
        }
    }
    let mut detectors = HashSet::new();
    for (i, o) in outliers.iter().enumerate() {
        let key = format!("clean.outliers[{i}]");
        let table = table_of(&key, &o.table)?;
        match &o.expression {
            None => column_of(format!("{key}.column"), table, &o.column, true)?,
            Some(expression) => {
                let named = !o.column.is_empty()
                    && o.column
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !named || table.column(&o.column).is_some() {
                    return bad(
                        format!("{key}.column"),
                        &o.column,
                        format!(
                            "expected a name for the expression's value (letters, digits, _), \
                             not a column of {table}"
                        ),
                    );
                }
                if expression.trim().is_empty() {
                    return bad(
                        format!("{key}.expression"),
                        expression,
                        "expected a SQL expression such as `amount / quantity`",
                    );
                }
                if matches!(o.action, OutlierAction::Cap | OutlierAction::Clear) {
                    return bad(
                        format!("{key}.action"),
                        o.action.as_str(),
                        "expected flag or reject: an expression's value cannot be capped or cleared",
                    );
                }
            }
        }
        if !detectors.insert((table, o.column.as_str())) {
            return bad(
                format!("{key}.column"),
                &o.column,
                "expected one detector per column",
            );
        }
        if let Some(t) = o.threshold
            && !(t.is_finite() && t > 0.0)
        {
            return bad(format!("{key}.threshold"), t, "expected a positive number");
        }
        if let Some(by) = &o.by {
            column_of(format!("{key}.by"), table, by, false)?;
        }
    }
    let mut imputed = HashSet::new();
    for (i, m) in impute.iter().enumerate() {
        let key = format!("clean.impute[{i}]");
        let table = table_of(&key, &m.table)?;
        if m.columns.is_empty() {
            return bad(
                format!("{key}.columns"),
                &m.columns,
                "expected at least one column",
            );
        }
        for column in &m.columns {
            column_of(
                format!("{key}.columns"),
                table,
                column,
                m.strategy.is_numeric(),
            )?;
            if column == table.id_column() {
                return bad(
                    format!("{key}.columns"),
                    column,
                    "expected a column other than the id",
                );
            }
            if !imputed.insert((table, column.as_str())) {
                return bad(
                    format!("{key}.columns"),
                    column,
                    "expected one strategy per column",
                );
            }
        }
        match (m.strategy, &m.value) {
            (ImputeStrategy::Constant, None) => {
                return bad(
                    format!("{key}.value"),
                    "",
                    "expected the value of strategy constant",
                );
            }
            (ImputeStrategy::Constant, Some(value)) => {
                for column in &m.columns {
                    let numeric = table.column(column).is_some_and(|c| is_numeric(c.ty));
                    if numeric && value.trim().parse::<f64>().is_err() {
                        return bad(
                            format!("{key}.value"),
                            value,
                            format!("expected a number: {column} is numeric"),
                        );
                    }
                }
            }
            (_, Some(value)) => {
                return bad(
                    format!("{key}.value"),
                    value,
                    "expected no value: only strategy constant takes one",
                );
            }
            (_, None) => {}
        }
        if m.strategy == ImputeStrategy::Knn {
            if m.neighbours == 0 {
                return bad(format!("{key}.neighbours"), 0, "expected at least 1");
            }
            for column in &m.using {
                column_of(format!("{key}.using"), table, column, true)?;
            }
        } else if !m.using.is_empty() {
            return bad(
                format!("{key}.using"),
                &m.using,
                "expected no columns: only strategy knn uses them",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, table: &str, check: &str) -> RuleConfig {
        RuleConfig {
            name: name.into(),
            table: table.into(),
            check: check.into(),
            action: RuleAction::Flag,
        }
    }

    fn impute(columns: &[&str], strategy: ImputeStrategy) -> ImputeConfig {
        ImputeConfig {
            table: "accounts".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            strategy,
            value: None,
            neighbours: 5,
            using: Vec::new(),
        }
    }

    fn outlier(column: &str) -> OutlierConfig {
        OutlierConfig {
            table: "orders".into(),
            column: column.into(),
            expression: None,
            method: OutlierMethodName::Mad,
            threshold: None,
            log: true,
            by: Some("product".into()),
            action: OutlierAction::Cap,
        }
    }

    fn message(result: CheckResult) -> String {
        let (key, value, expected) = result.unwrap_err();
        format!("{key} = {value}: {expected}")
    }

    #[test]
    fn good_settings_pass() {
        let mut knn = impute(&["revenue"], ImputeStrategy::Knn);
        knn.using = vec!["employees".into()];
        let mut constant = impute(&["sector_label"], ImputeStrategy::Constant);
        constant.value = Some("inconnu".into());
        check_clean(
            &[rule("positive", "orders", "amount > 0")],
            &[outlier("amount"), outlier("quantity")],
            &[
                knn,
                constant,
                impute(&["employees"], ImputeStrategy::Median),
            ],
        )
        .unwrap();
    }

    #[test]
    fn bad_settings_are_named() {
        let m = message(check_clean(&[rule("a b", "orders", "x")], &[], &[]));
        assert!(
            m.contains("clean.rules[0].name") && m.contains("letters"),
            "{m}"
        );
        let twice = [rule("r", "orders", "x"), rule("r", "accounts", "y")];
        let m = message(check_clean(&twice, &[], &[]));
        assert!(m.contains("clean.rules[1].name"), "{m}");
        let m = message(check_clean(&[rule("r", "deals", "x")], &[], &[]));
        assert!(
            m.contains("clean.rules[0].table = \"deals\"") && m.contains("accounts, contacts"),
            "{m}"
        );
        let m = message(check_clean(&[], &[outlier("product")], &[]));
        assert!(
            m.contains("clean.outliers[0].column = \"product\"") && m.contains("amount, quantity"),
            "{m}"
        );
        let mut unit = outlier("unit_price");
        unit.expression = Some("amount / quantity".into());
        let m = message(check_clean(&[], &[unit.clone()], &[]));
        assert!(
            m.contains("clean.outliers[0].action") && m.contains("cannot be capped"),
            "{m}"
        );
        unit.action = OutlierAction::Flag;
        check_clean(&[], &[unit.clone()], &[]).unwrap();
        unit.column = "amount".into();
        let m = message(check_clean(&[], &[unit], &[]));
        assert!(m.contains("not a column of orders"), "{m}");
        let mut o = outlier("amount");
        o.threshold = Some(-1.0);
        let m = message(check_clean(&[], &[o], &[]));
        assert!(m.contains("threshold"), "{m}");
        let m = message(check_clean(
            &[],
            &[],
            &[impute(&["city"], ImputeStrategy::Mean)],
        ));
        assert!(
            m.contains("expected a numeric column of accounts: employees, revenue"),
            "{m}"
        );
        let m = message(check_clean(
            &[],
            &[],
            &[impute(&["account_id"], ImputeStrategy::Mode)],
        ));
        assert!(m.contains("other than the id"), "{m}");
        let m = message(check_clean(
            &[],
            &[],
            &[impute(&["city"], ImputeStrategy::Constant)],
        ));
        assert!(m.contains("clean.impute[0].value"), "{m}");
        let mut c = impute(&["employees"], ImputeStrategy::Constant);
        c.value = Some("many".into());
        let m = message(check_clean(&[], &[], &[c]));
        assert!(m.contains("expected a number: employees is numeric"), "{m}");
        let both = [
            impute(&["employees"], ImputeStrategy::Mean),
            impute(&["employees"], ImputeStrategy::Median),
        ];
        let m = message(check_clean(&[], &[], &both));
        assert!(
            m.contains("clean.impute[1].columns") && m.contains("one strategy"),
            "{m}"
        );
        let mut knn = impute(&["revenue"], ImputeStrategy::Knn);
        knn.using = vec!["city".into()];
        let m = message(check_clean(&[], &[], &[knn]));
        assert!(m.contains("clean.impute[0].using"), "{m}");
    }
}
