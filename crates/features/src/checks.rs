//! Checks of a loaded table: business rules (SQL predicates of `[[clean.rules]]`, evaluated by
//! DataFusion row by row) and outlier detectors (`[[clean.outliers]]`), each flagging,
//! capping, clearing or rejecting what it finds.
//!
//! Every check looks at the table as loaded, so their order does not matter. What they find is
//! returned as [`Finding`]s, one per row and check, with the value as it was: a capped or
//! cleared value is never lost. The table is rewritten with:
//!
//! - a `rule_<name>` column (true where the row breaks the rule) per flagging rule;
//! - a `<column>_outlier` column (true where the value was an outlier) per detector that
//!   flags, caps or clears; capped values moved to the nearer fence (whole numbers stay
//!   whole, inside the fences), cleared values emptied;
//! - without the rows that a rejecting rule or detector found.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use cible_core::clean::{OutlierAction, OutlierConfig, OutlierMethodName, RuleAction, RuleConfig};
use cible_core::schema::TableKind;
use cible_ml::{Fences, OutlierDetector, OutlierMethod};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, RecordBatch};
use datafusion::arrow::compute::{cast, concat_batches, filter_record_batch};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema};
use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::common::DFSchema;
use datafusion::prelude::SessionContext;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::Serialize;

use crate::compute::write_batches;
use crate::error::{FeatureError, Result};
use crate::expr::evaluate;

/// Groups with fewer values than this use the fences of the whole column.
pub const MIN_GROUP: usize = 20;

/// The columns of a loaded table that say where each row came from.
const FILE_COLUMN: &str = "_file";
const LINE_COLUMN: &str = "_line";

/// What one rule found.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    /// The rule's name.
    pub name: String,
    /// Its predicate.
    pub check: String,
    /// What it did to the rows that break it.
    pub action: RuleAction,
    /// Rows that break it.
    pub rows: u64,
}

/// What one outlier detector found.
#[derive(Debug, Clone, Serialize)]
pub struct OutlierOutcome {
    /// The column.
    pub column: String,
    /// iqr, zscore or mad.
    pub method: OutlierMethodName,
    /// The threshold used.
    pub threshold: f64,
    /// Whether the fences were found on a log scale.
    pub log: bool,
    /// The grouping column, if any.
    pub by: Option<String>,
    /// What it did to the outliers.
    pub action: OutlierAction,
    /// The fences of the whole column (`None` without values).
    pub fences: Option<Fences>,
    /// Groups with fences of their own.
    pub groups: usize,
    /// Values looked at (not empty).
    pub values: u64,
    /// Values outside their fences.
    pub outliers: u64,
}

/// What checking a table did.
#[derive(Debug, Clone, Serialize)]
pub struct CheckSummary {
    /// The table.
    pub table: String,
    /// Rows before.
    pub rows_in: u64,
    /// Rows kept.
    pub rows_out: u64,
    /// One entry per rule, in project order.
    pub rules: Vec<RuleOutcome>,
    /// One entry per detector, in project order.
    pub outliers: Vec<OutlierOutcome>,
    /// The flag columns added to the table (`rule_<name>`, `<column>_outlier`).
    pub flag_columns: Vec<String>,
}

/// One row that failed one check.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The row's id.
    pub id: String,
    /// The source file the row was loaded from, and its line there.
    pub file: String,
    /// 1-based line in `file`.
    pub line: u64,
    /// The rule's name, or `outlier`.
    pub check: String,
    /// The column at fault; empty for a rule (the whole row).
    pub column: String,
    /// The value as loaded (a rule: its row id).
    pub value: String,
    /// flag, cap, clear or reject.
    pub action: &'static str,
    /// Why, as a sentence.
    pub detail: String,
}

impl Finding {
    /// Whether the row was rejected.
    pub fn rejected(&self) -> bool {
        self.action == "reject"
    }
}

/// Runs `rules` and `outliers` (all of table `kind`) on the Parquet table at `path`, rewrites
/// it (atomically) and returns the summary and every finding.
pub fn check_table(
    path: &Path,
    kind: TableKind,
    rules: &[&RuleConfig],
    outliers: &[&OutlierConfig],
) -> Result<(CheckSummary, Vec<Finding>)> {
    let batch = read_parquet(path)?;
    let rows = batch.num_rows();
    let text = |name: &str| -> Result<Vec<String>> {
        let column = batch
            .column_by_name(name)
            .ok_or_else(|| FeatureError::MissingColumn {
                path: path.to_path_buf(),
                column: name.into(),
            })?;
        Ok((0..rows)
            .map(|i| array_value_to_string(column, i).unwrap_or_default())
            .collect())
    };
    let ids = text(kind.id_column())?;
    let files = text(FILE_COLUMN)?;
    let lines: Vec<u64> = text(LINE_COLUMN)?
        .iter()
        .map(|l| l.parse().unwrap_or_default())
        .collect();
    let finding = |row: usize,
                   check: &str,
                   column: &str,
                   value: String,
                   action: &'static str,
                   detail: String| Finding {
        id: ids[row].clone(),
        file: files[row].clone(),
        line: lines[row],
        check: check.into(),
        column: column.into(),
        value,
        action,
        detail,
    };
    let mut findings = Vec::new();
    let mut reject = vec![false; rows];
    let mut fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    let mut rule_outcomes = Vec::with_capacity(rules.len());
    let ctx = crate::compute::sql_context()?;
    let schema = DFSchema::try_from(batch.schema().as_ref().clone())
        .map_err(FeatureError::sql("the table's schema"))?;
    for rule in rules {
        let broken = evaluate_rule(&ctx, &schema, &batch, rule, kind)?;
        let action = rule.action.as_str();
        let detail = format!("breaks rule {}: {}", rule.name, rule.check.trim());
        for (row, _) in broken.iter().enumerate().filter(|(_, b)| **b) {
            findings.push(finding(
                row,
                &rule.name,
                "",
                ids[row].clone(),
                action,
                detail.clone(),
            ));
            reject[row] |= rule.action == RuleAction::Reject;
        }
        if rule.action == RuleAction::Flag {
            fields.push(Field::new(
                format!("rule_{}", rule.name),
                DataType::Boolean,
                false,
            ));
            columns.push(Arc::new(BooleanArray::from(broken.clone())));
        }
        rule_outcomes.push(RuleOutcome {
            name: rule.name.clone(),
            check: rule.check.clone(),
            action: rule.action,
            rows: broken.iter().filter(|b| **b).count() as u64,
        });
    }
    let mut outlier_outcomes = Vec::with_capacity(outliers.len());
    for o in outliers {
        let wrong = |reason: String| FeatureError::Outlier {
            column: o.column.clone(),
            reason,
        };
        // A column's values (rewritten when capped or cleared), or an expression's.
        let (index, original) = match &o.expression {
            None => {
                let index = batch.schema().index_of(&o.column).map_err(|_| {
                    FeatureError::MissingColumn {
                        path: path.to_path_buf(),
                        column: o.column.clone(),
                    }
                })?;
                (Some(index), batch.column(index).clone())
            }
            Some(sql) => {
                let values = evaluate(&ctx, &schema, &batch, sql).map_err(|e| {
                    wrong(format!(
                        "{e}\n  expression: {sql}\n  columns of {kind}: {}",
                        columns_of(&schema)
                    ))
                })?;
                (None, values)
            }
        };
        let values = cast(&original, &DataType::Float64)
            .map_err(|e| wrong(format!("its values are not numbers: {e}")))?;
        let values = values.as_primitive::<Float64Type>();
        let groups = match &o.by {
            Some(by) => Some(text(by)?),
            None => None,
        };
        let found = detect(values, groups.as_deref(), o)?;
        let action = o.action.as_str();
        let mut flags = vec![false; rows];
        let mut changed: Vec<Option<f64>> = values.iter().collect();
        for &(row, fences) in &found.outliers {
            let value = values.value(row);
            let side = if value > fences.upper {
                format!("above {}", fences.upper)
            } else {
                format!("below {}", fences.lower)
            };
            let group = match (&o.by, &groups) {
                (Some(by), Some(g)) if found.own_fences(&g[row]) => format!(", {by} {:?}", g[row]),
                _ => String::new(),
            };
            let what = match &o.expression {
                Some(sql) => format!("{} ({sql})", o.column),
                None => o.column.clone(),
            };
            let detail = format!(
                "outlier: {what} {side} ({}, threshold {}{}{group})",
                o.method,
                found.threshold,
                if o.log { ", log scale" } else { "" },
            );
            let shown = array_value_to_string(&original, row).unwrap_or_default();
            findings.push(finding(row, "outlier", &o.column, shown, action, detail));
            flags[row] = true;
            match o.action {
                OutlierAction::Cap => changed[row] = Some(cap(value, fences, original.data_type())),
                OutlierAction::Clear => changed[row] = None,
                OutlierAction::Reject => reject[row] = true,
                OutlierAction::Flag => {}
            }
        }
        if let Some(index) = index
            && matches!(o.action, OutlierAction::Cap | OutlierAction::Clear)
        {
            let new: ArrayRef = Arc::new(Float64Array::from(changed));
            columns[index] =
                cast(&new, original.data_type()).map_err(FeatureError::arrow(&o.column))?;
        }
        if o.action != OutlierAction::Reject {
            fields.push(Field::new(
                format!("{}_outlier", o.column),
                DataType::Boolean,
                false,
            ));
            columns.push(Arc::new(BooleanArray::from(flags)));
        }
        outlier_outcomes.push(OutlierOutcome {
            column: o.column.clone(),
            method: o.method,
            threshold: found.threshold,
            log: o.log,
            by: o.by.clone(),
            action: o.action,
            fences: found.global,
            groups: found.groups.len(),
            values: (values.len() - values.null_count()) as u64,
            outliers: found.outliers.len() as u64,
        });
    }
    let schema = Arc::new(Schema::new(fields));
    let checked = RecordBatch::try_new(schema.clone(), columns)
        .map_err(FeatureError::arrow("the checked table"))?;
    let keep = BooleanArray::from(reject.iter().map(|r| !r).collect::<Vec<_>>());
    let kept =
        filter_record_batch(&checked, &keep).map_err(FeatureError::arrow("the checked table"))?;
    write_batches(path, schema.clone(), std::slice::from_ref(&kept))?;
    findings.sort_by_key(|f| (f.file.clone(), f.line));
    let summary = CheckSummary {
        table: kind.name().into(),
        rows_in: rows as u64,
        rows_out: kept.num_rows() as u64,
        rules: rule_outcomes,
        outliers: outlier_outcomes,
        flag_columns: schema.fields()[batch.num_columns()..]
            .iter()
            .map(|f| f.name().clone())
            .collect(),
    };
    Ok((summary, findings))
}

/// The whole Parquet file as one batch.
fn read_parquet(path: &Path) -> Result<RecordBatch> {
    let error = |e: parquet::errors::ParquetError| FeatureError::io(path, std::io::Error::other(e));
    let file = File::open(path).map_err(|e| FeatureError::io(path, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(error)?
        .build()
        .map_err(error)?;
    let schema = reader.schema();
    let batches = reader
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| FeatureError::io(path, std::io::Error::other(e)))?;
    concat_batches(&schema, &batches).map_err(FeatureError::arrow("the table"))
}

/// Whether each row breaks `rule`: its predicate is false (NULL passes).
fn evaluate_rule(
    ctx: &SessionContext,
    schema: &DFSchema,
    batch: &RecordBatch,
    rule: &RuleConfig,
    kind: TableKind,
) -> Result<Vec<bool>> {
    let wrong = |reason: String| FeatureError::Rule {
        name: rule.name.clone(),
        check: rule.check.clone(),
        reason,
        available: format!("{kind}: {}", columns_of(schema)),
    };
    let result = evaluate(ctx, schema, batch, &rule.check).map_err(wrong)?;
    let Some(result) = result.as_boolean_opt() else {
        return Err(wrong(format!(
            "the check is {}, not true or false",
            result.data_type()
        )));
    };
    Ok((0..result.len())
        .map(|i| result.is_valid(i) && !result.value(i))
        .collect())
}

/// The table's columns, lineage left out, comma-separated.
fn columns_of(schema: &DFSchema) -> String {
    let names: Vec<&str> = schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .filter(|n| !n.starts_with('_'))
        .collect();
    names.join(", ")
}

/// A value moved to the nearer fence; whole numbers are rounded towards the inside.
fn cap(value: f64, fences: Fences, ty: &DataType) -> f64 {
    let capped = fences.cap(value);
    if ty.is_integer() {
        if value > fences.upper {
            capped.floor()
        } else {
            capped.ceil()
        }
    } else {
        capped
    }
}

/// The outliers one detector found.
struct Detected {
    threshold: f64,
    /// Fences of the whole column.
    global: Option<Fences>,
    /// Fences of groups with enough values.
    groups: HashMap<String, Fences>,
    /// `(row, the fences it is outside)`, in row order.
    outliers: Vec<(usize, Fences)>,
}

impl Detected {
    fn own_fences(&self, group: &str) -> bool {
        self.groups.contains_key(group)
    }
}

fn detect(values: &Float64Array, groups: Option<&[String]>, o: &OutlierConfig) -> Result<Detected> {
    let method = match o.method {
        OutlierMethodName::Iqr => OutlierMethod::Iqr,
        OutlierMethodName::Zscore => OutlierMethod::ZScore,
        OutlierMethodName::Mad => OutlierMethod::Mad,
    };
    let threshold = o.threshold.unwrap_or(method.default_threshold());
    let detector = OutlierDetector::new(method).threshold(threshold).log(o.log);
    let fit = |v: &[f64]| {
        detector.fit(v).map_err(|e| FeatureError::Outlier {
            column: o.column.clone(),
            reason: e.to_string(),
        })
    };
    let present: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    let all: Vec<f64> = present.iter().map(|&(_, v)| v).collect();
    let global = fit(&all)?;
    let mut by_group: HashMap<&str, Vec<f64>> = HashMap::new();
    if let Some(groups) = groups {
        for &(i, v) in &present {
            by_group.entry(groups[i].as_str()).or_default().push(v);
        }
    }
    let mut own = HashMap::new();
    for (group, v) in by_group {
        if v.len() >= MIN_GROUP
            && let Some(f) = fit(&v)?
        {
            own.insert(group.to_string(), f);
        }
    }
    let outliers = present
        .iter()
        .filter_map(|&(i, v)| {
            let fences = groups
                .and_then(|g| own.get(g[i].as_str()).copied())
                .or(global)?;
            fences.is_outlier(v).then_some((i, fences))
        })
        .collect();
    Ok(Detected {
        threshold,
        global,
        groups: own,
        outliers,
    })
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int64Array, StringArray};

    use super::*;

    /// An accounts table: ids a0…, head counts, a sector, lineage.
    fn table(dir: &Path, employees: &[Option<i64>], sectors: &[&str]) -> std::path::PathBuf {
        let n = employees.len();
        let ids: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        let schema = Arc::new(Schema::new(vec![
            Field::new("account_id", DataType::Utf8, false),
            Field::new("employees", DataType::Int64, true),
            Field::new("sector_code", DataType::Utf8, true),
            Field::new("_source", DataType::Utf8, false),
            Field::new("_file", DataType::Utf8, false),
            Field::new("_line", DataType::Int64, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ids)),
            Arc::new(Int64Array::from(employees.to_vec())),
            Arc::new(StringArray::from(sectors.to_vec())),
            Arc::new(StringArray::from(vec!["crm"; n])),
            Arc::new(StringArray::from(vec!["crm.csv"; n])),
            Arc::new(Int64Array::from((2..n as i64 + 2).collect::<Vec<_>>())),
        ];
        let path = dir.join("accounts.parquet");
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        write_batches(&path, schema, &[batch]).unwrap();
        path
    }

    fn rule(name: &str, check: &str, action: RuleAction) -> RuleConfig {
        RuleConfig {
            name: name.into(),
            table: "accounts".into(),
            check: check.into(),
            action,
        }
    }

    fn outlier(action: OutlierAction, by: Option<&str>) -> OutlierConfig {
        OutlierConfig {
            table: "accounts".into(),
            column: "employees".into(),
            expression: None,
            method: OutlierMethodName::Mad,
            threshold: None,
            log: true,
            by: by.map(str::to_string),
            action,
        }
    }

    #[test]
    fn rules_flag_and_reject_and_outliers_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let mut employees: Vec<Option<i64>> = (0..40).map(|i| Some(10 + i % 7 * 5)).collect();
        employees[3] = Some(-4);
        employees[5] = None;
        employees[7] = Some(250_000);
        let path = table(dir.path(), &employees, &["62.01Z"; 40]);
        let rules = [
            rule("not_negative", "employees >= 0", RuleAction::Reject),
            rule("small", "employees < 40", RuleAction::Flag),
            rule(
                "today",
                "now() > TIMESTAMP '2020-01-01 00:00:00'",
                RuleAction::Flag,
            ),
        ];
        let o = outlier(OutlierAction::Cap, None);
        let (summary, findings) = check_table(
            &path,
            TableKind::Accounts,
            &rules.iter().collect::<Vec<_>>(),
            &[&o],
        )
        .unwrap();
        assert_eq!((summary.rows_in, summary.rows_out), (40, 39));
        assert_eq!(summary.rules[0].rows, 1);
        // NULL passes a rule: row 5 breaks neither.
        assert!(findings.iter().all(|f| f.id != "a5"));
        let rejected: Vec<&Finding> = findings.iter().filter(|f| f.rejected()).collect();
        assert_eq!(rejected.len(), 1);
        assert_eq!(
            (
                rejected[0].id.as_str(),
                rejected[0].line,
                rejected[0].file.as_str()
            ),
            ("a3", 5, "crm.csv")
        );
        assert_eq!(
            rejected[0].detail,
            "breaks rule not_negative: employees >= 0"
        );
        let capped: Vec<&Finding> = findings.iter().filter(|f| f.action == "cap").collect();
        // -4 is an outlier too, on the log scale; its row is rejected anyway.
        assert_eq!(
            capped.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["a3", "a7"]
        );
        assert_eq!(capped[1].value, "250000");
        assert!(
            capped[1].detail.starts_with("outlier: employees above "),
            "{}",
            capped[1].detail
        );
        let fences = summary.outliers[0].fences.unwrap();
        let after = read_parquet(&path).unwrap();
        let schema = after.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert!(
            names.contains(&"rule_small") && names.contains(&"employees_outlier"),
            "{names:?}"
        );
        let employees = after
            .column_by_name("employees")
            .unwrap()
            .as_primitive::<datafusion::arrow::datatypes::Int64Type>();
        let ids = after
            .column_by_name("account_id")
            .unwrap()
            .as_string::<i32>();
        let row7 = (0..after.num_rows())
            .find(|&i| ids.value(i) == "a7")
            .unwrap();
        let capped = employees.value(row7) as f64;
        assert!(
            capped <= fences.upper && capped > fences.upper - 1.0,
            "{capped} vs {fences:?}"
        );
        let flag = after
            .column_by_name("employees_outlier")
            .unwrap()
            .as_boolean();
        assert!(flag.value(row7) && !flag.value(0));
    }

    #[test]
    fn groups_get_their_own_fences() {
        let dir = tempfile::tempdir().unwrap();
        // Sector A has about 10 people per company, sector B about 1,000: 1,000 people is
        // ordinary in B and an outlier in A.
        let mut employees: Vec<Option<i64>> = (0..30).map(|i| Some(8 + i % 5)).collect();
        employees.extend((0..30).map(|i| Some(900 + i % 5 * 50)));
        employees[0] = Some(1_000);
        let sectors: Vec<&str> = (0..60).map(|i| if i < 30 { "A" } else { "B" }).collect();
        let path = table(dir.path(), &employees, &sectors);
        let o = outlier(OutlierAction::Clear, Some("sector_code"));
        let (summary, findings) = check_table(&path, TableKind::Accounts, &[], &[&o]).unwrap();
        assert_eq!(summary.outliers[0].groups, 2);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].id, "a0");
        assert!(
            findings[0].detail.ends_with(", sector_code \"A\")"),
            "{}",
            findings[0].detail
        );
        let after = read_parquet(&path).unwrap();
        assert!(after.column_by_name("employees").unwrap().is_null(0));
    }

    #[test]
    fn an_expression_is_checked_under_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut employees: Vec<Option<i64>> = (0..30).map(|i| Some(10 + i % 6)).collect();
        employees[4] = Some(9_000);
        let path = table(dir.path(), &employees, &["A"; 30]);
        let mut o = outlier(OutlierAction::Flag, None);
        o.column = "head_count_tenfold".into();
        o.expression = Some("employees * 10".into());
        let (summary, findings) = check_table(&path, TableKind::Accounts, &[], &[&o]).unwrap();
        assert_eq!(summary.outliers[0].outliers, 1);
        assert_eq!(
            (findings[0].id.as_str(), findings[0].value.as_str()),
            ("a4", "90000")
        );
        assert!(
            findings[0]
                .detail
                .starts_with("outlier: head_count_tenfold (employees * 10) above "),
            "{}",
            findings[0].detail
        );
        let after = read_parquet(&path).unwrap();
        assert!(after.column_by_name("head_count_tenfold_outlier").is_some());
        o.expression = Some("employes * 10".into());
        let e = check_table(&path, TableKind::Accounts, &[], &[&o])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("[[clean.outliers]] on `head_count_tenfold`:") && e.contains("employes"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_rule_names_itself_and_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(dir.path(), &[Some(1)], &["A"]);
        let bad = rule("size", "employes > 0", RuleAction::Flag);
        let e = check_table(&path, TableKind::Accounts, &[&bad], &[])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("[[clean.rules]] `size`:"), "{e}");
        assert!(
            e.contains("employes")
                && e.contains("columns of accounts: account_id, employees, sector_code"),
            "{e}"
        );
        let not_boolean = rule("sum", "employees + 1", RuleAction::Flag);
        let e = check_table(&path, TableKind::Accounts, &[&not_boolean], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("not true or false"), "{e}");
    }
}
