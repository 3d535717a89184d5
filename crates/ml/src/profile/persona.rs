//! Generated names and suggested actions, both read off a segment's standardized differences.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Direction, Distinction};

/// The words that describe accounts high or low on a feature, for the generated names:
/// `orders_12m` high is "frequent", `engagement_index` low is "low-engagement".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonaWords {
    /// Words for accounts well above the rest.
    pub high: Option<String>,
    /// Words for accounts well below the rest.
    pub low: Option<String>,
}

impl PersonaWords {
    /// Both words; either may be `None`.
    pub fn new(high: Option<&str>, low: Option<&str>) -> PersonaWords {
        PersonaWords {
            high: high.map(str::to_string),
            low: low.map(str::to_string),
        }
    }

    fn for_direction(&self, direction: Direction) -> Option<&str> {
        match direction {
            Direction::Higher => self.high.as_deref(),
            Direction::Lower => self.low.as_deref(),
        }
    }
}

/// Persona words by feature name.
pub type Lexicon = BTreeMap<String, PersonaWords>;

/// A segment's phrases, most distinguishing first: the words of the features with
/// `|d| >= min_effect` that have words for their direction (a phrase said once); when none of
/// them has words, `high <feature>` or `low <feature>` for each.
pub(crate) fn phrases(ranked: &[Distinction], lexicon: &Lexicon, min_effect: f64) -> Vec<String> {
    let strong: Vec<&Distinction> = ranked.iter().filter(|d| d.d.abs() >= min_effect).collect();
    let mut out: Vec<String> = Vec::new();
    for d in &strong {
        if let Some(w) = lexicon
            .get(&d.feature)
            .and_then(|w| w.for_direction(d.direction))
            && !out.iter().any(|o| o == w)
        {
            out.push(w.to_string());
        }
    }
    if out.is_empty() {
        out = strong
            .iter()
            .map(|d| {
                let side = match d.direction {
                    Direction::Higher => "high",
                    Direction::Lower => "low",
                };
                format!("{side} {}", d.feature)
            })
            .collect();
    }
    out
}

/// One name per segment from its phrases: the first `words` phrases and "accounts",
/// capitalised ("Frequent high-value accounts"), "Typical accounts" without any. Segments
/// whose names collide take their next phrases one at a time while they have some, then a
/// number (" 2", " 3", in segment order; the first keeps the plain name).
pub(crate) fn names(phrases: &[Vec<String>], words: usize) -> Vec<String> {
    let mut used: Vec<usize> = phrases.iter().map(|p| p.len().min(words)).collect();
    let name = |i: usize, used: &[usize]| {
        let text = if used[i] == 0 {
            "typical accounts".to_string()
        } else {
            format!("{} accounts", phrases[i][..used[i]].join(" "))
        };
        capitalise(&text)
    };
    loop {
        let current: Vec<String> = (0..phrases.len()).map(|i| name(i, &used)).collect();
        let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in current.iter().enumerate() {
            groups.entry(n.as_str()).or_default().push(i);
        }
        let mut grew = false;
        for members in groups.values().filter(|g| g.len() > 1) {
            for &i in members {
                if used[i] < phrases[i].len() {
                    used[i] += 1;
                    grew = true;
                }
            }
        }
        if !grew {
            // Number what still collides.
            let mut seen: HashMap<String, usize> = HashMap::new();
            return current
                .into_iter()
                .map(|n| {
                    let k = seen.entry(n.clone()).or_insert(0);
                    *k += 1;
                    if *k == 1 { n } else { format!("{n} {k}") }
                })
                .collect();
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One requirement of a heuristic: one of `features` at least `min_effect` standard
/// deviations above (or below) the rest.
struct Signal {
    features: &'static [&'static str],
    direction: Direction,
}

const fn high(features: &'static [&'static str]) -> Signal {
    Signal {
        features,
        direction: Direction::Higher,
    }
}

const fn low(features: &'static [&'static str]) -> Signal {
    Signal {
        features,
        direction: Direction::Lower,
    }
}

/// A suggested action and why.
pub(crate) struct Heuristic {
    pub(crate) action: &'static str,
    pub(crate) reason: &'static str,
    /// Every group must hold; within a group, one signal is enough.
    when: &'static [&'static [Signal]],
}

const VALUE: &[&str] = &["monetary_12m", "monetary_36m", "monetary_total"];
const PAST_VALUE: &[&str] = &["monetary_prev_12m", "monetary_36m", "monetary_total"];
const RECENT_ORDERS: &[&str] = &["orders_3m", "orders_12m", "monetary_12m"];
const QUIET: &[&str] = &["recency_days", "last_engagement_days"];
const ENGAGEMENT: &[&str] = &["engagement_index", "web_visits_90d", "email_clicks_90d"];
const INTENT: &[&str] = &[
    "intent_score",
    "demo_requests_90d",
    "pricing_views_30d",
    "intent_signals_90d",
];
const BOUGHT: &[&str] = &["orders_total", "orders_36m", "monetary_36m"];
const READING: &[&str] = &[
    "page_views_365d",
    "downloads_365d",
    "page_views_90d",
    "downloads_90d",
];
const MEETINGS: &[&str] = &[
    "webinar_attendances_365d",
    "webinar_registrations_365d",
    "demo_requests_90d",
];
const YOUNG: &[&str] = &["account_age_days", "tenure_days"];
const GROWTH: &[&str] = &["trend_12m", "orders_3m", "orders_12m"];
const OPENS: &[&str] = &[
    "email_opens_365d",
    "email_opens_90d",
    "email_open_rate_365d",
];
const SMALL: &[&str] = &["basket_mean_36m", "employees", "monetary_36m"];

/// The heuristics, in order of priority (documented in the module's docs).
pub(crate) const HEURISTICS: &[Heuristic] = &[
    Heuristic {
        action: "retention call by the account manager",
        reason: "they spent well but have gone quiet: a call finds out why before they leave",
        when: &[&[high(PAST_VALUE)], &[high(QUIET), low(RECENT_ORDERS)]],
    },
    Heuristic {
        action: "sales follow-up within a week",
        reason: "prospects showing buying intent now (demo requests, pricing pages)",
        when: &[&[high(INTENT)], &[low(BOUGHT)]],
    },
    Heuristic {
        action: "onboarding and growth plan with a dedicated contact",
        reason: "young accounts buying more and more: help them grow with you",
        when: &[&[low(YOUNG)], &[high(GROWTH)]],
    },
    Heuristic {
        action: "account plan with upsell and cross-sell by the account manager",
        reason: "active, high-value customers: protect the relationship and grow it",
        when: &[&[high(VALUE)], &[high(RECENT_ORDERS)]],
    },
    Heuristic {
        action: "content nurture leading to a webinar or a demo",
        reason: "they read a lot but never meet you: give them a reason to talk",
        when: &[&[high(READING)], &[low(MEETINGS), low(BOUGHT)]],
    },
    Heuristic {
        action: "win-back campaign with an offer",
        reason: "former buyers who stopped ordering",
        when: &[&[high(QUIET)], &[low(RECENT_ORDERS)]],
    },
    Heuristic {
        action: "promotions and volume offers by e-mail",
        reason: "small buyers who open e-mails: price-led offers reach them cheaply",
        when: &[&[high(OPENS)], &[low(SMALL)]],
    },
    Heuristic {
        action: "low-cost nurture e-mails",
        reason: "little engagement and little value: keep in touch at low cost",
        when: &[&[low(ENGAGEMENT)], &[low(VALUE)]],
    },
];

/// The action when no heuristic applies.
pub(crate) const DEFAULT_ACTION: (&str, &str) = (
    "keep in the regular marketing programme",
    "no known feature sets the segment clearly apart",
);

/// A suggested action for a segment, with the heuristic's reason and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedAction {
    /// What to do.
    pub action: String,
    /// Why this kind of segment calls for it.
    pub reason: String,
    /// The standardized differences that triggered it (`recency_days d = +1.8`).
    pub evidence: Vec<String>,
}

/// The heuristics that apply to a segment whose standardized differences are `d` (by
/// feature), in priority order; the default action when none does.
pub(crate) fn actions(d: &HashMap<&str, f64>, min_effect: f64) -> Vec<SuggestedAction> {
    let mut out = Vec::new();
    for h in HEURISTICS {
        let mut evidence = Vec::new();
        let holds = h.when.iter().all(|group| {
            group.iter().any(|signal| {
                let hit = signal.features.iter().find_map(|f| {
                    let v = *d.get(f)?;
                    let ok = match signal.direction {
                        Direction::Higher => v >= min_effect,
                        Direction::Lower => v <= -min_effect,
                    };
                    ok.then(|| format!("{f} d = {v:+.2}"))
                });
                if let Some(e) = hit {
                    evidence.push(e);
                    true
                } else {
                    false
                }
            })
        });
        if holds {
            out.push(SuggestedAction {
                action: h.action.to_string(),
                reason: h.reason.to_string(),
                evidence,
            });
        }
    }
    if out.is_empty() {
        out.push(SuggestedAction {
            action: DEFAULT_ACTION.0.to_string(),
            reason: DEFAULT_ACTION.1.to_string(),
            evidence: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinction(feature: &str, d: f64) -> Distinction {
        Distinction {
            feature: feature.to_string(),
            d,
            direction: if d >= 0.0 {
                Direction::Higher
            } else {
                Direction::Lower
            },
            segment_mean: 0.0,
            rest_mean: 0.0,
        }
    }

    fn lexicon() -> Lexicon {
        [
            (
                "orders_12m",
                PersonaWords::new(Some("frequent"), Some("occasional")),
            ),
            (
                "monetary_12m",
                PersonaWords::new(Some("high-value"), Some("low-value")),
            ),
            ("role_it", PersonaWords::new(Some("IT"), None)),
            ("orders_36m", PersonaWords::new(Some("frequent"), None)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    #[test]
    fn phrases_follow_the_ranking_and_skip_weak_or_wordless_features() {
        let ranked = [
            distinction("orders_12m", 2.0),
            distinction("tenure_days", 1.5),
            distinction("orders_36m", 1.4),
            distinction("monetary_12m", 1.2),
            distinction("role_it", 0.8),
            distinction("role_it_weak", 0.1),
        ];
        let p = phrases(&ranked, &lexicon(), 0.5);
        assert_eq!(p, ["frequent", "high-value", "IT"]);
        assert_eq!(names(&[p], 3), ["Frequent high-value IT accounts"]);
        // Without words, the features speak for themselves; without effects, typical.
        let p = phrases(&[distinction("x", -0.9)], &lexicon(), 0.5);
        assert_eq!(p, ["low x"]);
        assert!(phrases(&[distinction("orders_12m", 0.2)], &lexicon(), 0.5).is_empty());
        // The word for the direction: no "low" word for role_it, so it is skipped.
        let p = phrases(
            &[
                distinction("role_it", -1.0),
                distinction("orders_12m", -0.7),
            ],
            &lexicon(),
            0.5,
        );
        assert_eq!(p, ["occasional"]);
    }

    #[test]
    fn colliding_names_take_their_next_phrase_then_a_number() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let n = names(
            &[
                p(&["frequent", "high-value", "IT"]),
                p(&["frequent", "high-value", "finance"]),
                p(&["dormant"]),
                p(&["dormant"]),
                p(&[]),
            ],
            2,
        );
        assert_eq!(
            n,
            [
                "Frequent high-value IT accounts",
                "Frequent high-value finance accounts",
                "Dormant accounts",
                "Dormant accounts 2",
                "Typical accounts"
            ]
        );
        let unique: std::collections::HashSet<&String> = n.iter().collect();
        assert_eq!(unique.len(), n.len());
    }

    #[test]
    fn actions_follow_the_heuristics_table() {
        let d: HashMap<&str, f64> = [
            ("monetary_prev_12m", 1.1),
            ("recency_days", 1.8),
            ("orders_12m", -1.2),
        ]
        .into_iter()
        .collect();
        let a = actions(&d, 0.5);
        assert_eq!(a[0].action, "retention call by the account manager");
        assert_eq!(
            a[0].evidence,
            ["monetary_prev_12m d = +1.10", "recency_days d = +1.80"]
        );
        assert_eq!(a[1].action, "win-back campaign with an offer");
        let d: HashMap<&str, f64> = [("intent_score", 2.0), ("orders_total", -0.9)]
            .into_iter()
            .collect();
        assert_eq!(actions(&d, 0.5)[0].action, "sales follow-up within a week");
        let d: HashMap<&str, f64> = [("engagement_index", -0.8), ("monetary_36m", -0.6)]
            .into_iter()
            .collect();
        assert_eq!(actions(&d, 0.5)[0].action, "low-cost nurture e-mails");
        assert_eq!(actions(&HashMap::new(), 0.5)[0].action, DEFAULT_ACTION.0);
    }
}
