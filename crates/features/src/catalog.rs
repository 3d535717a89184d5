//! The feature catalogue: every built-in feature with its name, group, unit, description and
//! the SQL that computes it.
//!
//! Features are computed per account (per entity when accounts were deduplicated) over views
//! of the canonical tables that already hold only what happened up to the reference date
//! (`as_of`) and whose `account_id` is the entity id (see [`crate::sql`]). Each feature is one
//! SQL expression evaluated at one of these places:
//!
//! - [`Source::Aggregate`]: an aggregate over the account's rows of a view, with a value
//!   for accounts without any row (0 for counts);
//! - [`Source::Account`]: an expression over the account's own row (firmographics);
//! - [`Source::Derived`]: an expression over the features of the earlier levels, window
//!   functions over all accounts included (RFM quintiles).

use std::fmt;

use serde::Serialize;

use crate::roles::Role;

/// What a feature describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Orders: recency, frequency, monetary value, tenure, lifecycle, RFM.
    Transactional,
    /// Web, e-mail and webinar activity and the engagement index.
    Engagement,
    /// High-intent signals and the buying-cycle stage.
    Intent,
    /// Decision roles and seniority of the account's contacts.
    Roles,
    /// Size, revenue, sector, region.
    Firmographic,
    /// Defined by the user in `cible.toml`.
    Custom,
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Group::Transactional => "transactional",
            Group::Engagement => "engagement",
            Group::Intent => "intent",
            Group::Roles => "roles",
            Group::Firmographic => "firmographic",
            Group::Custom => "custom",
        })
    }
}

/// The type of a feature's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole number (counts, days).
    Integer,
    /// A real number (amounts, rates, scores).
    Number,
    /// True or false.
    Flag,
    /// A label among a few (a band, a stage, a sector).
    Category,
}

/// Where a feature's SQL expression is evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An aggregate over the account's rows of a view of [`crate::sql`] (`orders`,
    /// `order_days`, `event_counts`, `people`, ...); `fill` for accounts without any row.
    Aggregate {
        /// The view.
        over: &'static str,
        /// The value for accounts without rows (SQL), if not NULL.
        fill: Option<&'static str>,
    },
    /// An expression over the account's row.
    Account,
    /// An expression over the features of earlier levels (1 = over the aggregates and account
    /// features; 2 = over level 1 as well; user expressions come last).
    Derived {
        /// The level.
        level: u8,
    },
    /// A user aggregate query returning `account_id` and the feature.
    Query,
}

/// One feature of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feature {
    /// Column name in the features table.
    pub name: String,
    /// What it describes.
    pub group: Group,
    /// Type of its values.
    pub kind: Kind,
    /// Unit of its values (`days`, `orders`, `currency`, `0-100`, ...).
    pub unit: String,
    /// What it means, how it is computed.
    pub description: String,
    /// Where the SQL is evaluated.
    #[serde(skip)]
    pub source: Source,
    /// The SQL expression (or query, for [`Source::Query`]).
    pub sql: String,
    /// Words for accounts well above or below the others, for segment names.
    #[serde(skip_serializing_if = "Persona::is_empty")]
    pub persona: Persona,
}

/// How a feature describes accounts well above (`high`) or well below (`low`) the others, in
/// a few words that fit before "accounts": `orders_12m` high is "frequent", `engagement_index`
/// low is "low-engagement". The profile stage names segments with them; a feature without
/// words for a direction is named as `high <feature>` when nothing better distinguishes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Persona {
    /// Words for high values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<String>,
    /// Words for low values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<String>,
}

impl Persona {
    /// Whether there are no words at all.
    pub fn is_empty(&self) -> bool {
        self.high.is_none() && self.low.is_none()
    }
}

/// Persona words of the built-in features: (feature, high, low). Features of one meaning share
/// their words (a name says each once).
const PERSONA: &[(&str, Option<&str>, Option<&str>)] = &[
    ("recency_days", Some("dormant"), Some("recent")),
    ("tenure_days", Some("long-standing"), Some("new")),
    ("orders_total", Some("frequent"), Some("occasional")),
    ("orders_36m", Some("frequent"), Some("occasional")),
    ("orders_12m", Some("frequent"), Some("occasional")),
    ("orders_3m", Some("active"), None),
    ("purchase_days_total", Some("frequent"), Some("occasional")),
    ("purchase_days_36m", Some("frequent"), Some("occasional")),
    ("purchase_days_12m", Some("frequent"), Some("occasional")),
    ("monetary_total", Some("high-value"), Some("low-value")),
    ("monetary_36m", Some("high-value"), Some("low-value")),
    ("monetary_12m", Some("high-value"), Some("low-value")),
    ("basket_mean_36m", Some("big-basket"), Some("small-basket")),
    ("basket_mean_12m", Some("big-basket"), Some("small-basket")),
    ("product_breadth_36m", Some("multi-product"), None),
    ("category_breadth_36m", Some("multi-product"), None),
    ("trend_12m", Some("growing"), Some("declining")),
    ("regularity_cv", Some("irregular"), Some("regular")),
    ("web_visits_90d", Some("web-active"), None),
    ("web_visits_365d", Some("web-active"), None),
    ("page_views_90d", Some("web-reading"), None),
    ("page_views_365d", Some("web-reading"), None),
    ("downloads_90d", Some("content-hungry"), None),
    ("downloads_365d", Some("content-hungry"), None),
    ("webinar_registrations_365d", Some("webinar-going"), None),
    ("webinar_attendances_365d", Some("webinar-going"), None),
    ("email_opens_365d", Some("e-mail-reading"), None),
    ("email_open_rate_365d", Some("e-mail-reading"), None),
    ("email_clicks_90d", Some("e-mail-responsive"), None),
    ("email_clicks_365d", Some("e-mail-responsive"), None),
    ("email_unsubscribes_365d", Some("opting-out"), None),
    (
        "last_engagement_days",
        Some("disengaged"),
        Some("recently engaged"),
    ),
    ("engagement_index", Some("engaged"), Some("low-engagement")),
    ("intent_score", Some("high-intent"), None),
    ("intent_signals_90d", Some("high-intent"), None),
    ("pricing_views_30d", Some("price-checking"), None),
    ("pricing_views_90d", Some("price-checking"), None),
    ("demo_requests_90d", Some("demo-requesting"), None),
    ("engaged_events_365d", Some("active"), Some("inactive")),
    ("contacts_total", Some("multi-contact"), None),
    ("role_finance", Some("finance"), None),
    ("role_it", Some("IT"), None),
    ("role_procurement", Some("procurement"), None),
    ("role_executive", Some("executive-led"), None),
    ("role_operations", Some("operations"), None),
    ("role_marketing", Some("marketing"), None),
    ("seniority_max", Some("senior-contact"), None),
    ("employees", Some("large"), Some("small")),
    ("revenue", Some("high-revenue"), Some("low-revenue")),
    ("account_age_days", Some("established"), Some("young")),
    ("r_score", Some("recent"), Some("dormant")),
    ("f_score", Some("frequent"), Some("occasional")),
    ("m_score", Some("high-value"), Some("low-value")),
];

/// Transactional windows: name suffix, months, words.
pub(crate) const ORDER_WINDOWS: [(&str, u32); 3] = [("3m", 3), ("12m", 12), ("36m", 36)];
/// Engagement windows: name suffix, days.
pub(crate) const EVENT_WINDOWS: [(&str, u32); 3] = [("30d", 30), ("90d", 90), ("365d", 365)];
/// Age buckets of the event counts, in days: every event window is one of them.
pub(crate) const EVENT_BUCKETS: [u32; 3] = [30, 90, 365];
/// Half-life of an intent signal's weight, in days.
pub const INTENT_HALF_LIFE_DAYS: f64 = 30.0;

struct Builder(Vec<Feature>);

impl Builder {
    fn add(
        &mut self,
        name: &str,
        group: Group,
        kind: Kind,
        unit: &str,
        description: &str,
    ) -> &mut Feature {
        self.0.push(Feature {
            name: name.to_string(),
            group,
            kind,
            unit: unit.to_string(),
            description: description.to_string(),
            source: Source::Account,
            sql: String::new(),
            persona: Persona::default(),
        });
        self.0
            .last_mut()
            .unwrap_or_else(|| unreachable!("just pushed"))
    }
}

impl Feature {
    fn at(&mut self, source: Source, sql: impl Into<String>) {
        self.source = source;
        self.sql = sql.into();
    }
}

const ZERO: Option<&str> = Some("0");

/// The built-in features, in the column order of the features table.
pub fn builtin() -> Vec<Feature> {
    let mut b = Builder(Vec::new());
    transactional(&mut b);
    engagement(&mut b);
    intent(&mut b);
    roles(&mut b);
    firmographic(&mut b);
    for f in &mut b.0 {
        if let Some((_, high, low)) = PERSONA.iter().find(|(name, _, _)| *name == f.name) {
            f.persona = Persona {
                high: high.map(str::to_string),
                low: low.map(str::to_string),
            };
        }
    }
    b.0
}

fn transactional(b: &mut Builder) {
    use Group::Transactional as T;
    let orders = |fill| Source::Aggregate {
        over: "orders",
        fill,
    };
    let days = |fill| Source::Aggregate {
        over: "order_days",
        fill,
    };
    b.add(
        "recency_days",
        T,
        Kind::Integer,
        "days",
        "Days from the last order to as_of; empty without orders",
    )
    .at(orders(None), "min(age_days)");
    b.add(
        "tenure_days",
        T,
        Kind::Integer,
        "days",
        "Days from the first order to as_of; empty without orders",
    )
    .at(orders(None), "max(age_days)");
    b.add(
        "orders_total",
        T,
        Kind::Integer,
        "orders",
        "Orders up to as_of",
    )
    .at(orders(ZERO), "count(*)");
    b.add(
        "monetary_total",
        T,
        Kind::Number,
        "currency",
        "Sum of order amounts up to as_of",
    )
    .at(orders(ZERO), "sum(amount)");
    b.add(
        "purchase_days_total",
        T,
        Kind::Integer,
        "days",
        "Distinct days with an order up to as_of",
    )
    .at(days(ZERO), "count(*)");
    for (suffix, months) in ORDER_WINDOWS {
        b.add(
            &format!("orders_{suffix}"),
            T,
            Kind::Integer,
            "orders",
            &format!("Orders in the {months} months up to as_of"),
        )
        .at(orders(ZERO), format!("count(*) FILTER (WHERE in_{suffix})"));
        b.add(
            &format!("purchase_days_{suffix}"),
            T,
            Kind::Integer,
            "days",
            &format!("Distinct days with an order in the {months} months up to as_of"),
        )
        .at(days(ZERO), format!("count(*) FILTER (WHERE in_{suffix})"));
        b.add(
            &format!("monetary_{suffix}"),
            T,
            Kind::Number,
            "currency",
            &format!("Sum of order amounts in the {months} months up to as_of"),
        )
        .at(
            orders(ZERO),
            format!("coalesce(sum(amount) FILTER (WHERE in_{suffix}), 0)"),
        );
    }
    for (suffix, months) in &ORDER_WINDOWS {
        b.add(
            &format!("basket_mean_{suffix}"),
            T,
            Kind::Number,
            "currency",
            &format!(
                "Mean order amount in the {months} months up to as_of; empty without orders then"
            ),
        )
        .at(
            orders(None),
            format!("avg(amount) FILTER (WHERE in_{suffix})"),
        );
    }
    b.add(
        "product_breadth_36m",
        T,
        Kind::Integer,
        "products",
        "Distinct products ordered in the 36 months up to as_of",
    )
    .at(
        Source::Aggregate {
            over: "products_36m",
            fill: ZERO,
        },
        "count(*)",
    );
    b.add(
        "category_breadth_36m",
        T,
        Kind::Integer,
        "categories",
        "Distinct product categories ordered in the 36 months up to as_of",
    )
    .at(
        Source::Aggregate {
            over: "categories_36m",
            fill: ZERO,
        },
        "count(*)",
    );
    b.add(
        "monetary_prev_12m",
        T,
        Kind::Number,
        "currency",
        "Sum of order amounts in the 12 months before the last 12 (13 to 24 months before as_of)",
    )
    .at(
        orders(ZERO),
        "coalesce(sum(amount) FILTER (WHERE in_prev_12m), 0)",
    );
    b.add("regularity_cv", T, Kind::Number, "ratio", "Coefficient of variation (population standard deviation / mean) of the gaps in days between distinct purchase days; low is regular; needs at least three purchase days")
        .at(Source::Aggregate { over: "purchase_gaps", fill: None }, "CASE WHEN count(*) >= 2 THEN stddev_pop(gap) / avg(gap) END");
    b.add("trend_12m", T, Kind::Number, "-1 to 1", "Growth of spend: (monetary_12m − monetary_prev_12m) / (monetary_12m + monetary_prev_12m); 1 = all of it in the last 12 months, −1 = none; empty without orders in 24 months")
        .at(Source::Derived { level: 1 }, "(monetary_12m - monetary_prev_12m) / nullif(monetary_12m + monetary_prev_12m, 0)");
    b.add("lifecycle_stage", T, Kind::Category, "stage", "prospect (no order), new (first order within 90 days), active (last order within 90 days), cooling (within 180), lapsing (within 365), lapsed (longer ago); as `cible rfm`")
        .at(Source::Derived { level: 1 }, "CASE WHEN orders_total = 0 THEN 'prospect' WHEN tenure_days <= 90 THEN 'new' WHEN recency_days <= 90 THEN 'active' WHEN recency_days <= 180 THEN 'cooling' WHEN recency_days <= 365 THEN 'lapsing' ELSE 'lapsed' END");
    // As `cible rfm`: 1 + 5 × (rank of the value's first occurrence − 1) / customers, so that
    // equal values share a score.
    let quintile = |order: &str| {
        format!(
            "CASE WHEN orders_total > 0 THEN 1 + CAST(floor(5.0 * (rank() OVER (PARTITION BY orders_total > 0 ORDER BY {order}) - 1) / count(*) OVER (PARTITION BY orders_total > 0)) AS BIGINT) END"
        )
    };
    b.add("r_score", T, Kind::Integer, "1-5", "Recency quintile among accounts with orders: 5 = most recent fifth; equal values share a score; empty without orders")
        .at(Source::Derived { level: 1 }, quintile("recency_days DESC"));
    b.add("f_score", T, Kind::Integer, "1-5", "Frequency quintile (purchase_days_total) among accounts with orders: 5 = most frequent fifth; empty without orders")
        .at(Source::Derived { level: 1 }, quintile("purchase_days_total"));
    b.add("m_score", T, Kind::Integer, "1-5", "Monetary quintile (monetary_total) among accounts with orders: 5 = highest-spending fifth; empty without orders")
        .at(Source::Derived { level: 1 }, quintile("monetary_total"));
    b.add(
        "rfm_cell",
        T,
        Kind::Category,
        "cell",
        "The three scores side by side, e.g. 545; empty without orders",
    )
    .at(
        Source::Derived { level: 2 },
        "concat(CAST(r_score AS VARCHAR), CAST(f_score AS VARCHAR), CAST(m_score AS VARCHAR))",
    );
}

/// Event counts per window: feature stem, event type predicate, words.
const ACTIVITY: [(&str, &str, &str); 5] = [
    ("web_visits", "type = 'visit'", "Web visits (sessions)"),
    ("page_views", "type = 'page_view'", "Web page views"),
    (
        "downloads",
        "type = 'download'",
        "Content downloads (white papers, guides)",
    ),
    (
        "webinar_registrations",
        "type = 'webinar_registered'",
        "Webinar registrations",
    ),
    (
        "webinar_attendances",
        "type = 'webinar_attended'",
        "Webinars attended",
    ),
];

/// E-mail counts per window, for the rates.
const EMAIL: [(&str, &str); 4] = [
    ("emails_sent", "email_sent"),
    ("email_opens", "email_open"),
    ("email_clicks", "email_click"),
    ("email_unsubscribes", "unsubscribe"),
];

/// The engagement index: (feature, saturation level, points out of 100).
pub(crate) const ENGAGEMENT_INDEX: [(&str, f64, f64); 6] = [
    ("web_visits_90d", 5.0, 25.0),
    ("downloads_90d", 2.0, 15.0),
    ("webinar_attendances_90d", 1.0, 20.0),
    ("email_clicks_90d", 3.0, 20.0),
    ("email_opens_90d", 4.0, 10.0),
    ("conversations_90d", 2.0, 10.0),
];

fn engagement(b: &mut Builder) {
    use Group::Engagement as E;
    let events = |fill| Source::Aggregate {
        over: "event_counts",
        fill,
    };
    for (stem, predicate, words) in ACTIVITY {
        for (suffix, days) in EVENT_WINDOWS {
            b.add(
                &format!("{stem}_{suffix}"),
                E,
                Kind::Integer,
                "events",
                &format!("{words} in the {days} days up to as_of"),
            )
            .at(
                events(ZERO),
                format!("sum(n) FILTER (WHERE {predicate} AND w <= {days})"),
            );
        }
    }
    for (suffix, days) in EVENT_WINDOWS {
        for (stem, ty) in EMAIL {
            b.add(
                &format!("{stem}_{suffix}"),
                E,
                Kind::Integer,
                "e-mails",
                &format!("E-mail events `{ty}` in the {days} days up to as_of"),
            )
            .at(
                events(ZERO),
                format!("sum(n) FILTER (WHERE type = '{ty}' AND w <= {days})"),
            );
        }
        for (rate, stem, words) in [
            ("open", "email_opens", "opens"),
            ("click", "email_clicks", "clicks"),
            ("unsubscribe", "email_unsubscribes", "unsubscribes"),
        ] {
            b.add(&format!("email_{rate}_rate_{suffix}"), E, Kind::Number, "ratio", &format!("E-mail {words} per e-mail sent in the {days} days up to as_of (can exceed 1 when one e-mail is opened several times); empty without e-mails sent"))
                .at(Source::Derived { level: 1 }, format!("CAST({stem}_{suffix} AS DOUBLE) / nullif(emails_sent_{suffix}, 0)"));
        }
    }
    b.add(
        "conversations_90d",
        E,
        Kind::Integer,
        "events",
        "Calls, chats and trade-fair meetings in the 90 days up to as_of",
    )
    .at(
        events(ZERO),
        "sum(n) FILTER (WHERE type IN ('call', 'chat', 'event_attended') AND w <= 90)",
    );
    b.add("last_engagement_days", E, Kind::Number, "days", "Days from the account's last event other than an e-mail sent to the end of as_of; empty without any")
        .at(events(None), "min(min_age) FILTER (WHERE type <> 'email_sent')");
    let points: Vec<String> = ENGAGEMENT_INDEX
        .iter()
        .map(|(feature, cap, weight)| format!("{weight:.1} * CASE WHEN {feature} >= {cap:.1} THEN 1.0 ELSE {feature} / {cap:.1} END"))
        .collect();
    let recipe: Vec<String> = ENGAGEMENT_INDEX
        .iter()
        .map(|(feature, cap, weight)| format!("{weight} points for {feature} (full from {cap})"))
        .collect();
    b.add(
        "engagement_index",
        E,
        Kind::Number,
        "0-100",
        &format!(
            "Engagement over the 90 days up to as_of: {}, each in proportion below its level",
            recipe.join(", ")
        ),
    )
    .at(Source::Derived { level: 1 }, points.join(" + "));
}

fn intent(b: &mut Builder) {
    use Group::Intent as I;
    let events = |fill| Source::Aggregate {
        over: "event_counts",
        fill,
    };
    b.add("intent_score", I, Kind::Number, "points", &format!("High-intent signals in the 365 days up to as_of, each weighted (demo request 5, pricing or demo page view 3, download 2) and halved every {INTENT_HALF_LIFE_DAYS} days of age"))
        .at(events(ZERO), "coalesce(sum(decayed) FILTER (WHERE w <= 365), 0)");
    for (suffix, days) in [("30d", 30), ("90d", 90)] {
        b.add(&format!("intent_signals_{suffix}"), I, Kind::Integer, "events", &format!("High-intent signals (demo requests, pricing or demo page views, downloads) in the {days} days up to as_of"))
            .at(events(ZERO), format!("sum(n) FILTER (WHERE is_intent AND w <= {days})"));
    }
    for (suffix, days) in [("30d", 30), ("90d", 90)] {
        b.add(&format!("pricing_views_{suffix}"), I, Kind::Integer, "events", &format!("Views of pricing pages (URL with tarif, pricing, price or prix) in the {days} days up to as_of"))
            .at(events(ZERO), format!("sum(n) FILTER (WHERE is_pricing AND w <= {days})"));
    }
    b.add(
        "demo_requests_90d",
        I,
        Kind::Integer,
        "events",
        "Demo requests in the 90 days up to as_of",
    )
    .at(
        events(ZERO),
        "sum(n) FILTER (WHERE type = 'demo_request' AND w <= 90)",
    );
    b.add(
        "engaged_events_365d",
        I,
        Kind::Integer,
        "events",
        "Events other than e-mails sent in the 365 days up to as_of",
    )
    .at(
        events(ZERO),
        "sum(n) FILTER (WHERE type <> 'email_sent' AND w <= 365)",
    );
    b.add("buying_stage", I, Kind::Category, "stage", "decision (a demo request within 90 days, or two pricing page views within 30), consideration (a high-intent signal or a webinar attended within 90 days), awareness (any engagement within 365 days), unaware (none of these)")
        .at(Source::Derived { level: 1 }, "CASE WHEN demo_requests_90d > 0 OR pricing_views_30d >= 2 THEN 'decision' WHEN intent_signals_90d > 0 OR webinar_attendances_90d > 0 THEN 'consideration' WHEN engaged_events_365d > 0 THEN 'awareness' ELSE 'unaware' END");
}

fn roles(b: &mut Builder) {
    use Group::Roles as R;
    let contacts = |fill| Source::Aggregate {
        over: "people",
        fill,
    };
    b.add(
        "contacts_total",
        R,
        Kind::Integer,
        "people",
        "Distinct people (contact entities) of the account",
    )
    .at(contacts(ZERO), "count(*)");
    b.add(
        "contacts_opted_in",
        R,
        Kind::Integer,
        "people",
        "Distinct people of the account who accept e-mail",
    )
    .at(contacts(ZERO), "count(*) FILTER (WHERE opted_in)");
    for role in Role::ALL {
        let name = role.name();
        b.add(
            &format!("contacts_{name}"),
            R,
            Kind::Integer,
            "people",
            &format!(
                "People in {}, from job titles in French or English",
                role.label()
            ),
        )
        .at(contacts(ZERO), format!("count(*) FILTER (WHERE is_{name})"));
        b.add(
            &format!("role_{name}"),
            R,
            Kind::Flag,
            "flag",
            &format!("Whether the account has someone in {}", role.label()),
        )
        .at(Source::Derived { level: 1 }, format!("contacts_{name} > 0"));
    }
    b.add(
        "decision_makers",
        R,
        Kind::Integer,
        "people",
        "People at director or executive level",
    )
    .at(
        contacts(ZERO),
        "count(*) FILTER (WHERE seniority_level >= 2)",
    );
    b.add("seniority_max", R, Kind::Integer, "0-3", "Highest seniority among the account's people: 0 staff, 1 manager, 2 director, 3 executive; empty without contacts")
        .at(contacts(None), "max(seniority_level)");
}

/// Size bands: upper bound (exclusive), label.
pub(crate) const SIZE_BANDS: [(i64, &str); 4] = [
    (10, "micro"),
    (50, "small"),
    (250, "medium"),
    (5000, "large"),
];
/// Revenue bands: upper bound (exclusive), label.
pub(crate) const REVENUE_BANDS: [(f64, &str); 4] = [
    (2e6, "under_2m"),
    (1e7, "2m_10m"),
    (5e7, "10m_50m"),
    (5e8, "50m_500m"),
];

fn band_sql<T: fmt::Display>(column: &str, bands: &[(T, &str)], last: &str) -> String {
    let arms: String = bands
        .iter()
        .map(|(bound, label)| format!(" WHEN {column} < {bound} THEN '{label}'"))
        .collect();
    format!("CASE WHEN {column} IS NULL THEN NULL{arms} ELSE '{last}' END")
}

/// NAF divisions (first two digits of the code) to NAF / NACE sections.
const NAF_SECTIONS: [(u32, u32, char); 21] = [
    (1, 3, 'A'),
    (5, 9, 'B'),
    (10, 33, 'C'),
    (35, 35, 'D'),
    (36, 39, 'E'),
    (41, 43, 'F'),
    (45, 47, 'G'),
    (49, 53, 'H'),
    (55, 56, 'I'),
    (58, 63, 'J'),
    (64, 66, 'K'),
    (68, 68, 'L'),
    (69, 75, 'M'),
    (77, 82, 'N'),
    (84, 84, 'O'),
    (85, 85, 'P'),
    (86, 88, 'Q'),
    (90, 93, 'R'),
    (94, 96, 'S'),
    (97, 98, 'T'),
    (99, 99, 'U'),
];

fn firmographic(b: &mut Builder) {
    use Group::Firmographic as F;
    let account = Source::Account;
    b.add("employees", F, Kind::Integer, "people", "Head count")
        .at(account.clone(), "employees");
    b.add("revenue", F, Kind::Number, "currency", "Yearly revenue")
        .at(account.clone(), "revenue");
    b.add("size_band", F, Kind::Category, "band", "Head count band: micro (under 10), small (10-49), medium (50-249), large (250-4999), enterprise (5000 and more)")
        .at(Source::Derived { level: 1 }, band_sql("employees", &SIZE_BANDS, "enterprise"));
    b.add(
        "revenue_band",
        F,
        Kind::Category,
        "band",
        "Yearly revenue band: under_2m, 2m_10m, 10m_50m, 50m_500m, over_500m",
    )
    .at(
        Source::Derived { level: 1 },
        band_sql("revenue", &REVENUE_BANDS, "over_500m"),
    );
    b.add("naf_division", F, Kind::Category, "code", "NAF / NACE division: the first two digits of sector_code")
        .at(account.clone(), "CASE WHEN length(regexp_replace(sector_code, '[^0-9]', '', 'g')) >= 2 THEN substr(regexp_replace(sector_code, '[^0-9]', '', 'g'), 1, 2) END");
    let arms: String = NAF_SECTIONS
        .iter()
        .map(|(from, to, section)| {
            format!(" WHEN CAST(naf_division AS INT) BETWEEN {from} AND {to} THEN '{section}'")
        })
        .collect();
    b.add(
        "naf_section",
        F,
        Kind::Category,
        "code",
        "NAF / NACE section (A to U) of the division",
    )
    .at(
        Source::Derived { level: 1 },
        format!("CASE WHEN naf_division IS NULL THEN NULL{arms} END"),
    );
    b.add(
        "sector",
        F,
        Kind::Category,
        "label",
        "Sector label as the source gives it",
    )
    .at(account.clone(), "sector_label");
    b.add("region", F, Kind::Category, "label", "Region")
        .at(account.clone(), "region");
    b.add("country", F, Kind::Category, "code", "Country")
        .at(account.clone(), "country");
    b.add(
        "crm_status",
        F,
        Kind::Category,
        "label",
        "Lifecycle status recorded in the CRM (prospect, customer, churned)",
    )
    .at(account.clone(), "lifecycle_status");
    b.add(
        "account_age_days",
        F,
        Kind::Integer,
        "days",
        "Days from the account's creation in the CRM to as_of",
    )
    .at(account, "account_age_days");
    b.add(
        "spend_per_employee_12m",
        F,
        Kind::Number,
        "currency per person",
        "monetary_12m / employees; empty without a head count",
    )
    .at(
        Source::Derived { level: 1 },
        "monetary_12m / nullif(CAST(employees AS DOUBLE), 0)",
    );
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Flag => "flag",
            Kind::Category => "category",
        })
    }
}

/// The catalogue of `features` as Markdown, one table per group; `docs/features.md` is the
/// built-in catalogue.
pub fn markdown(features: &[Feature]) -> String {
    let mut out = String::from(
        "# Feature catalogue\n\n\
         One row per account (per entity when accounts are deduplicated), computed as of the\n\
         project's `as_of` date: nothing dated after the end of that day is read. Amounts are in\n\
         the currency of the orders. Windows end on as_of: `_30d` means the 30 days up to as_of,\n\
         `_12m` the 12 calendar months up to as_of. `cible features --list` prints this list;\n\
         users add their own features in `cible.toml` (`[[features.custom]]`).\n\n\
         This file is generated from `crates/features/src/catalog.rs` (a test checks it).\n",
    );
    let mut groups: Vec<Group> = features.iter().map(|f| f.group).collect();
    groups.dedup();
    for group in groups {
        out.push_str(&format!(
            "\n## {group}\n\n| feature | type | unit | meaning |\n|---|---|---|---|\n"
        ));
        for f in features.iter().filter(|f| f.group == group) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                f.name,
                f.kind,
                f.unit,
                f.description.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_feature_catalogue_doc_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/features.md");
        let expected = markdown(&builtin());
        cible_core::docs::check_generated_doc(path.as_ref(), &expected, "cible-features").unwrap();
    }

    #[test]
    fn names_are_unique_snake_case_and_every_feature_is_described() {
        let features = builtin();
        let mut seen = HashSet::new();
        for f in &features {
            assert!(seen.insert(f.name.clone()), "{} twice", f.name);
            assert!(
                f.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                f.name
            );
            assert!(
                !f.description.is_empty() && !f.unit.is_empty() && !f.sql.is_empty(),
                "{}",
                f.name
            );
        }
    }

    #[test]
    fn persona_words_name_existing_features() {
        let features = builtin();
        for (name, high, low) in PERSONA {
            let f = features.iter().find(|f| f.name == *name);
            assert!(f.is_some(), "{name} is not a feature");
            assert!(high.is_some() || low.is_some(), "{name}");
            assert_eq!(f.unwrap().persona.high.as_deref(), *high, "{name}");
        }
        let words = |name: &str| {
            features
                .iter()
                .find(|f| f.name == name)
                .unwrap()
                .persona
                .clone()
        };
        assert_eq!(words("orders_12m").high.as_deref(), Some("frequent"));
        assert_eq!(words("monetary_12m").high.as_deref(), Some("high-value"));
        assert_eq!(
            words("engagement_index").low.as_deref(),
            Some("low-engagement")
        );
        assert_eq!(words("role_it").high.as_deref(), Some("IT"));
        assert!(words("sector").is_empty());
    }

    #[test]
    fn the_engagement_index_adds_up_to_100_over_existing_features() {
        let total: f64 = ENGAGEMENT_INDEX.iter().map(|(_, _, w)| w).sum();
        assert_eq!(total, 100.0);
        let names: HashSet<String> = builtin().into_iter().map(|f| f.name).collect();
        for (feature, _, _) in ENGAGEMENT_INDEX {
            assert!(names.contains(feature), "{feature}");
        }
    }

    #[test]
    fn every_event_window_is_an_age_bucket() {
        for (_, days) in EVENT_WINDOWS {
            assert!(EVENT_BUCKETS.contains(&days), "{days}");
        }
    }

    #[test]
    fn naf_sections_cover_every_division_once() {
        for pair in NAF_SECTIONS.windows(2) {
            assert!(pair[0].1 < pair[1].0, "{pair:?}");
        }
    }
}
