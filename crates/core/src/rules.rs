//! The `[[segments]]` and `[[tags]]` sections of `cible.toml`: segments written as SQL
//! predicates over the account profile, and tags added to accounts or contacts by rules over
//! their events.
//!
//! ```toml
//! [[tags]]
//! name = "webinar_interest"
//! when = "type = 'webinar_attended'"           # over the `events` view
//! expires_after = "90 days"                     # after the latest matching event
//!
//! [[tags]]
//! name = "pricing_campaign"
//! on = "contact"                                # account (default) or contact
//! when = "type = 'email_click' AND properties->>'campaign' LIKE 'pricing%'"
//! remove_when = "type = 'unsubscribe'"          # a later matching event removes the tag
//!
//! [[segments]]
//! name = "finance_deciders_idf"
//! rule = "role_finance AND region = 'Île-de-France' AND engagement_index > 75"
//!
//! [[segments]]
//! name = "hot_finance_deciders"
//! within = "finance_deciders_idf"               # nested: members of that segment only
//! rule = "tag_webinar_interest AND NOT tag_pricing_campaign"
//! ```

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rule-based segment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegmentConfig {
    /// snake_case name, unique among segments.
    pub name: String,
    /// A SQL predicate over the account profile: features, `segment` (the cluster), scores
    /// (`<name>_score`) and tags (`tag_<name>`, true or false). NULL counts as false.
    pub rule: String,
    /// Restricts the segment to the members of another rule segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// What the segment is for, shown in the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Whom a tag is put on.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TagTarget {
    /// The account of the event (directly or through its contact).
    #[default]
    Account,
    /// The contact of the event; an account then has the tag when one of its contacts has.
    Contact,
}

/// A tag added by a rule over events.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TagConfig {
    /// snake_case name, unique among tags; the profile column is `tag_<name>`.
    pub name: String,
    /// A SQL predicate over the `events` view: the events that add the tag.
    pub when: String,
    /// Account (default) or contact.
    #[serde(default)]
    pub on: TagTarget,
    /// How long the tag lasts after the latest event that added it; forever when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after: Option<Period>,
    /// A SQL predicate over `events`: a matching event after the latest adding one removes
    /// the tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_when: Option<String>,
    /// What the tag means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A calendar period such as `90 days`, `6 weeks`, `3 months` or `1 year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: PeriodUnit,
}

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// Days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

impl Period {
    /// `date` plus the period (calendar months and years end on the last day of a shorter
    /// month), saturating at the largest date.
    pub fn after(self, date: NaiveDate) -> NaiveDate {
        let a = self.amount;
        match self.unit {
            PeriodUnit::Days => date.checked_add_days(Days::new(a.into())),
            PeriodUnit::Weeks => date.checked_add_days(Days::new(u64::from(a) * 7)),
            PeriodUnit::Months => date.checked_add_months(Months::new(a)),
            PeriodUnit::Years => date.checked_add_months(Months::new(a.saturating_mul(12))),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// `date` minus the period, saturating at the smallest date.
    pub fn before(self, date: NaiveDate) -> NaiveDate {
        let a = self.amount;
        match self.unit {
            PeriodUnit::Days => date.checked_sub_days(Days::new(a.into())),
            PeriodUnit::Weeks => date.checked_sub_days(Days::new(u64::from(a) * 7)),
            PeriodUnit::Months => date.checked_sub_months(Months::new(a)),
            PeriodUnit::Years => date.checked_sub_months(Months::new(a.saturating_mul(12))),
        }
        .unwrap_or(NaiveDate::MIN)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = || {
            format!(
                "`{s}`: expected a number and a unit, such as \"90 days\", \"6 weeks\", \"3 months\" or \"1 year\""
            )
        };
        let mut words = s.split_whitespace();
        let (Some(amount), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(expected());
        };
        let amount: u32 = amount.parse().map_err(|_| expected())?;
        if amount == 0 {
            return Err(format!("`{s}`: a period must be at least 1"));
        }
        let unit = match unit.to_ascii_lowercase().as_str() {
            "day" | "days" => PeriodUnit::Days,
            "week" | "weeks" => PeriodUnit::Weeks,
            "month" | "months" => PeriodUnit::Months,
            "year" | "years" => PeriodUnit::Years,
            _ => return Err(expected()),
        };
        Ok(Self { amount, unit })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            PeriodUnit::Days => "day",
            PeriodUnit::Weeks => "week",
            PeriodUnit::Months => "month",
            PeriodUnit::Years => "year",
        };
        let plural = if self.amount == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.amount)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether `name` is snake_case: lower-case ASCII letters, digits and `_`, starting with a
/// letter.
pub fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A problem with a key: `(key, value, expected)`.
pub type Problem = (String, String, String);

/// Checks the form of `[[segments]]` and `[[tags]]`: snake_case unique names, non-empty
/// predicates, `within` naming another segment, no cycle of `within`.
pub fn check_rules(segments: &[SegmentConfig], tags: &[TagConfig]) -> Result<(), Problem> {
    let problem = |key: String, value: &str, expected: &str| {
        Err((key, format!("{value:?}"), expected.to_string()))
    };
    // A snake_case name not seen before.
    let named = |seen: &mut HashSet<String>, key: String, name: &str| {
        if !is_snake_case(name) {
            return problem(key, name, "expected a snake_case name");
        }
        if !seen.insert(name.to_string()) {
            return problem(key, name, "defined twice");
        }
        Ok(())
    };
    let mut seen = HashSet::new();
    for (i, t) in tags.iter().enumerate() {
        named(&mut seen, format!("tags[{i}].name"), &t.name)?;
        if t.when.trim().is_empty() {
            return problem(
                format!("tags[{i}].when"),
                &t.when,
                "expected a SQL condition over events, such as \"type = 'webinar_attended'\"",
            );
        }
    }
    let names: HashSet<&str> = segments.iter().map(|s| s.name.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, s) in segments.iter().enumerate() {
        named(&mut seen, format!("segments[{i}].name"), &s.name)?;
        if s.rule.trim().is_empty() {
            return problem(
                format!("segments[{i}].rule"),
                &s.rule,
                "expected a SQL condition over the account profile",
            );
        }
        if let Some(parent) = &s.within
            && !names.contains(parent.as_str())
        {
            let known: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
            return problem(
                format!("segments[{i}].within"),
                parent,
                &format!("expected another segment: {}", known.join(", ")),
            );
        }
    }
    // Follow `within` from every segment: a cycle never reaches a segment without parent.
    for (i, s) in segments.iter().enumerate() {
        let mut path = vec![s.name.as_str()];
        let mut at = s;
        while let Some(parent) = &at.within {
            if path.contains(&parent.as_str()) {
                path.push(parent);
                return problem(
                    format!("segments[{i}].within"),
                    parent,
                    &format!(
                        "segments cannot be nested in a circle: {}",
                        path.join(" → ")
                    ),
                );
            }
            path.push(parent);
            at = segments
                .iter()
                .find(|p| &p.name == parent)
                .unwrap_or_else(|| unreachable!("parents were checked above"));
        }
    }
    Ok(())
}

/// `segments` ordered so that every segment comes after the one it is `within`.
pub fn nesting_order(segments: &[SegmentConfig]) -> Vec<&SegmentConfig> {
    let depth = |s: &SegmentConfig| {
        let mut d = 0;
        let mut at = s;
        while let Some(parent) = at
            .within
            .as_ref()
            .and_then(|p| segments.iter().find(|q| &q.name == p))
        {
            d += 1;
            at = parent;
            if d > segments.len() {
                break;
            }
        }
        d
    };
    let mut ordered: Vec<&SegmentConfig> = segments.iter().collect();
    ordered.sort_by_key(|s| depth(s));
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(name: &str, within: Option<&str>) -> SegmentConfig {
        SegmentConfig {
            name: name.into(),
            rule: "true".into(),
            within: within.map(str::to_string),
            description: None,
        }
    }

    #[test]
    fn periods_parse_and_move_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let p: Period = "90 days".parse().unwrap();
        assert_eq!(p.to_string(), "90 days");
        assert_eq!(p.before(d), NaiveDate::from_ymd_opt(2025, 11, 2).unwrap());
        let m: Period = "1 Month".parse().unwrap();
        assert_eq!(m.after(d), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(
            "2 weeks".parse::<Period>().unwrap().after(d),
            NaiveDate::from_ymd_opt(2026, 2, 14).unwrap()
        );
        assert_eq!(
            "1 year".parse::<Period>().unwrap().before(d),
            NaiveDate::from_ymd_opt(2025, 1, 31).unwrap()
        );
        for bad in [
            "90",
            "days",
            "0 days",
            "-3 days",
            "3 fortnights",
            "1 day extra",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn nesting_is_checked_and_ordered() {
        let ok = [segment("child", Some("parent")), segment("parent", None)];
        assert!(check_rules(&ok, &[]).is_ok());
        let order: Vec<&str> = nesting_order(&ok).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(order, ["parent", "child"]);
        let missing = [segment("child", Some("nobody"))];
        let (key, value, expected) = check_rules(&missing, &[]).unwrap_err();
        assert_eq!(
            (key.as_str(), value.as_str()),
            ("segments[0].within", "\"nobody\"")
        );
        assert!(expected.contains("child"), "{expected}");
        let circle = [segment("a", Some("b")), segment("b", Some("a"))];
        let (_, _, expected) = check_rules(&circle, &[]).unwrap_err();
        assert!(expected.contains("a → b → a"), "{expected}");
        let twice = [segment("a", None), segment("a", None)];
        assert!(check_rules(&twice, &[]).unwrap_err().2.contains("twice"));
        let bad = [segment("Big Accounts", None)];
        assert!(check_rules(&bad, &[]).unwrap_err().2.contains("snake_case"));
    }
}
