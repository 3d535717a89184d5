//! Tags computed from events as of a date (expiry, removal, contacts, `->>`), and rule
//! segments over a profile (NULL semantics, accents, nesting, tags, errors).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use cible_core::rules::{SegmentConfig, TagConfig, TagTarget};
use cible_features::{Inputs, Session};
use cible_segments::{ProfileParts, Tags, build_profile, compute_tags, evaluate_rules};
use datafusion::arrow::array::{Float64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A1 attended a webinar a month ago, A2 four months ago, A3 attended then unsubscribed,
/// A4 attends after as_of; C1 (of A1) clicked a pricing e-mail, C2 (of A2) a brand one.
fn session(dir: &Path) -> Session {
    let accounts = write(
        dir,
        "accounts.csv",
        "account_id,name,country\nA1,Alpha,FR\nA2,Beta,FR\nA3,Gamma,DE\nA4,Delta,FR\n",
    );
    let contacts = write(
        dir,
        "contacts.csv",
        "contact_id,account_id,email\nC1,A1,a@alpha.fr\nC2,A2,b@beta.fr\n",
    );
    let events = write(
        dir,
        "events.csv",
        "event_id,account_id,contact_id,occurred_at,channel,type,properties\n\
         E1,A1,,2026-10-01T10:00:00Z,webinar,webinar_attended,{}\n\
         E2,A2,,2026-07-01T10:00:00Z,webinar,webinar_attended,{}\n\
         E3,A3,,2026-10-15T10:00:00Z,webinar,webinar_attended,{}\n\
         E4,A3,,2026-10-20T10:00:00Z,email,unsubscribe,{}\n\
         E5,A4,,2026-11-05T10:00:00Z,webinar,webinar_attended,{}\n\
         E6,,C1,2026-10-28T09:00:00Z,email,email_click,\"{\"\"campaign\"\":\"\"pricing-q4\"\"}\"\n\
         E7,,C2,2026-10-28T09:00:00Z,email,email_click,\"{\"\"campaign\"\":\"\"brand\"\"}\"\n\
         E8,A1,,2026-09-01T10:00:00Z,webinar,webinar_attended,{}\n",
    );
    let inputs = Inputs {
        accounts,
        contacts: Some(contacts),
        events: Some(events),
        ..Inputs::default()
    };
    Session::open(&inputs, as_of()).unwrap()
}

fn tag(name: &str, when: &str) -> TagConfig {
    TagConfig {
        name: name.into(),
        when: when.into(),
        on: TagTarget::Account,
        expires_after: None,
        remove_when: None,
        description: None,
    }
}

fn project_tags() -> Vec<TagConfig> {
    vec![
        TagConfig {
            expires_after: Some("90 days".parse().unwrap()),
            remove_when: Some("type = 'unsubscribe'".into()),
            ..tag("webinar_interest", "type = 'webinar_attended'")
        },
        TagConfig {
            on: TagTarget::Contact,
            ..tag(
                "pricing_campaign",
                "type = 'email_click' AND properties->>'campaign' LIKE 'pricing%'",
            )
        },
    ]
}

#[test]
fn tags_expire_are_removed_and_reach_accounts_through_contacts() {
    let dir = tempfile::tempdir().unwrap();
    let session = session(dir.path());
    let tags = compute_tags(&session, &project_tags()).unwrap();
    let held: Vec<(&str, &str, Option<&str>)> = tags
        .rows
        .iter()
        .map(|r| {
            (
                r.tag.as_str(),
                r.account_id.as_str(),
                r.contact_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        held,
        [
            ("webinar_interest", "A1", None),
            ("pricing_campaign", "A1", Some("C1")),
        ]
    );
    let webinar = &tags.rows[0];
    assert_eq!(webinar.events, 2);
    assert_eq!(
        webinar.first_event.to_rfc3339(),
        "2026-09-01T10:00:00+00:00"
    );
    // 90 days after the latest webinar (1 October).
    assert_eq!(webinar.expires_on, NaiveDate::from_ymd_opt(2026, 12, 30));
    let s = &tags.summaries[0];
    assert_eq!((s.accounts, s.expired, s.removed), (1, 1, 1));
    let s = &tags.summaries[1];
    assert_eq!((s.accounts, s.contacts), (1, 1));
}

#[test]
fn a_wrong_tag_condition_names_the_tag_and_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let session = session(dir.path());
    let e = compute_tags(&session, &[tag("t", "typ = 'webinar_attended'")])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("[[tags]] `t`, when: unknown column `typ` (did you mean `type`?)"),
        "{e}"
    );
    assert!(e.contains("columns: event_id, account_id"), "{e}");
}

/// Five accounts; regions with an accent and a NULL, engagement with a NULL.
fn profile(tags: &Tags) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Utf8, true),
        Field::new("region", DataType::Utf8, true),
        Field::new("engagement", DataType::Float64, true),
    ]));
    let features = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["A1", "A2", "A3", "A4", "A5"])),
            Arc::new(StringArray::from(vec![
                Some("Île-de-France"),
                Some("Ile-de-France"),
                None,
                Some("Île-de-France"),
                Some("Bretagne"),
            ])),
            Arc::new(Float64Array::from(vec![
                Some(80.0),
                Some(90.0),
                Some(99.0),
                None,
                Some(10.0),
            ])),
        ],
    )
    .unwrap();
    let clusters: HashMap<String, i64> = [("A1", 0), ("A2", 1), ("A3", 1), ("A4", 0), ("A5", 2)]
        .map(|(a, c)| (a.to_string(), c))
        .into();
    let scores = [(
        "conversion".to_string(),
        HashMap::from([("A1".to_string(), 0.9), ("A2".to_string(), 0.2)]),
    )];
    let names = [
        "webinar_interest".to_string(),
        "pricing_campaign".to_string(),
    ];
    build_profile(ProfileParts {
        features: &[features],
        schema: &schema,
        clusters: Some(&clusters),
        scores: &scores,
        tags: (&names, tags),
    })
    .unwrap()
}

fn segment(name: &str, rule: &str, within: Option<&str>) -> SegmentConfig {
    SegmentConfig {
        name: name.into(),
        rule: rule.into(),
        within: within.map(str::to_string),
        description: None,
    }
}

fn members(profile: &RecordBatch, segments: &[SegmentConfig]) -> Vec<Vec<usize>> {
    let tags = [
        "webinar_interest".to_string(),
        "pricing_campaign".to_string(),
    ];
    evaluate_rules(profile, segments, &tags)
        .unwrap()
        .into_iter()
        .map(|s| s.members)
        .collect()
}

#[test]
fn rules_follow_sql_semantics_over_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let tags = compute_tags(&session(dir.path()), &project_tags()).unwrap();
    let profile = profile(&tags);
    let names: Vec<String> = profile
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(
        names,
        [
            "account_id",
            "region",
            "engagement",
            "segment",
            "conversion_score",
            "tag_webinar_interest",
            "tag_pricing_campaign"
        ]
    );
    let segments = [
        // The accent matters; NULL engagement (A4) is not > 50.
        segment(
            "idf_engaged",
            "region = 'Île-de-France' AND engagement > 50",
            None,
        ),
        // NULL OR true is true; NULL OR false is NULL, which is not a member.
        segment(
            "engaged_or_unknown",
            "engagement > 50 OR region IS NULL",
            None,
        ),
        segment(
            "idf_any",
            "region ILIKE '%le-de-france' AND region IN ('Île-de-France', 'x')",
            None,
        ),
        segment(
            "hot",
            "tag_webinar_interest AND NOT tag_pricing_campaign IS NULL",
            Some("idf_engaged"),
        ),
        segment(
            "scored",
            "conversion_score BETWEEN 0.5 AND 1 AND segment = 0",
            None,
        ),
        segment("nested_none", "true", Some("scored_low")),
        segment("scored_low", "coalesce(conversion_score, 0) < 0.5", None),
    ];
    assert_eq!(
        members(&profile, &segments),
        [
            vec![0],
            vec![0, 1, 2],
            vec![0, 3],
            vec![0],
            vec![0],
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 4],
        ]
    );
}

#[test]
fn wrong_rules_say_what_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let tags = compute_tags(&session(dir.path()), &project_tags()).unwrap();
    let profile = profile(&tags);
    let error = |rule: &str| {
        evaluate_rules(
            &profile,
            &[segment("s", rule, None)],
            &["webinar_interest".into()],
        )
        .unwrap_err()
        .to_string()
    };
    let e = error("regoin = 'Bretagne'");
    assert!(
        e.starts_with("[[segments]] `s`: unknown column `regoin` (did you mean `region`?)"),
        "{e}"
    );
    assert!(
        e.contains("columns: account_id, region, engagement, segment"),
        "{e}"
    );
    let e = error("tag_newsletter");
    assert!(
        e.contains("no tag `newsletter` is defined (tags: webinar_interest)"),
        "{e}"
    );
    let e = error("engagement >");
    assert!(e.contains("^ at character"), "{e}");
    let e = error("engagement + 1");
    assert!(e.contains("not true or false"), "{e}");
}
