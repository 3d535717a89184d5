//! Interactions: web sessions, e-mail campaigns, webinars, calls, chats, social and trade fairs.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, TimeDelta};
use rand::Rng;

use crate::people::Person;
use crate::sample::{pick, poisson, weighted};
use crate::segment::{Behaviour, Segment};
use crate::vocab::{
    ASSETS, CONTENT_URLS, CUSTOMER_URLS, DEMO_URL, DEVICES, GENERAL_URLS, PRICING_URL, PROMO_URLS,
    WEBINARS,
};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    Visit,
    PageView,
    Download,
    DemoRequest,
    EmailSent,
    EmailOpen,
    EmailClick,
    Unsubscribe,
    WebinarRegistered,
    WebinarAttended,
    Call,
    Chat,
    Social,
    EventAttended,
}

impl EventType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            EventType::Visit => "visit",
            EventType::PageView => "page_view",
            EventType::Download => "download",
            EventType::DemoRequest => "demo_request",
            EventType::EmailSent => "email_sent",
            EventType::EmailOpen => "email_open",
            EventType::EmailClick => "email_click",
            EventType::Unsubscribe => "unsubscribe",
            EventType::WebinarRegistered => "webinar_registered",
            EventType::WebinarAttended => "webinar_attended",
            EventType::Call => "call",
            EventType::Chat => "chat",
            EventType::Social => "social_engagement",
            EventType::EventAttended => "event_attended",
        }
    }

    pub(crate) fn channel(self) -> &'static str {
        match self {
            EventType::Visit
            | EventType::PageView
            | EventType::Download
            | EventType::DemoRequest => "web",
            EventType::EmailSent
            | EventType::EmailOpen
            | EventType::EmailClick
            | EventType::Unsubscribe => "email",
            EventType::WebinarRegistered | EventType::WebinarAttended => "webinar",
            EventType::Call => "call",
            EventType::Chat => "chat",
            EventType::Social => "social",
            EventType::EventAttended => "event",
        }
    }
}

/// One interaction before it is written.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// Seconds since as_of at midnight (negative: before).
    pub t: i64,
    pub ty: EventType,
    /// Index of the contact, if the event is tied to a person.
    pub contact: Option<usize>,
    /// Whether the account is known (the web tool identified the company, the e-mail tool
    /// knows the contact's company).
    pub with_account: bool,
    pub url: &'static str,
    pub device: &'static str,
    pub asset: &'static str,
    /// `newsletter`, `promo`, `webinar-…` or empty.
    pub campaign: &'static str,
    pub topic: &'static str,
}

impl Event {
    fn new(t: i64, ty: EventType) -> Self {
        Self {
            t,
            ty,
            contact: None,
            with_account: true,
            url: "",
            device: "",
            asset: "",
            campaign: "",
            topic: "",
        }
    }

    /// Writes the RFC 3339 UTC timestamp.
    pub(crate) fn write_timestamp(&self, out: &mut String, as_of: NaiveDate) {
        let days = self.t.div_euclid(DAY);
        let secs = self.t.rem_euclid(DAY);
        let date = as_of + TimeDelta::days(days);
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            date.year(),
            date.month(),
            date.day(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
    }

    /// Writes the `properties` JSON object (all values are plain ASCII without quotes).
    pub(crate) fn write_properties(&self, out: &mut String, as_of: NaiveDate) {
        out.push('{');
        let mut first = true;
        let mut field = |out: &mut String, key: &str, value: &dyn std::fmt::Display| {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "\"{key}\":\"{value}\"");
        };
        if !self.url.is_empty() {
            field(out, "url", &self.url);
        }
        if !self.asset.is_empty() {
            field(out, "asset", &self.asset);
        }
        if !self.campaign.is_empty() {
            if self.topic.is_empty() {
                let date = as_of + TimeDelta::days(self.t.div_euclid(DAY));
                let name = format!("{}-{:04}-{:02}", self.campaign, date.year(), date.month());
                field(out, "campaign", &name);
            } else {
                let name = format!("{}-{}", self.campaign, self.topic);
                field(out, "campaign", &name);
            }
        } else if !self.topic.is_empty() {
            field(out, "event", &self.topic);
        }
        if !self.device.is_empty() {
            field(out, "device", &self.device);
        }
        if self.ty == EventType::Call {
            field(out, "direction", &"outbound");
        }
        out.push('}');
    }
}

/// Moves most weekend days to the Friday before: B2B activity happens on weekdays. `day` is
/// counted from as_of, whose weekday is `as_of_weekday` (0 = Monday).
pub(crate) fn weekday(rng: &mut impl Rng, day: i64, as_of_weekday: i64) -> i64 {
    let weekday = (as_of_weekday + day).rem_euclid(7);
    if weekday >= 5 && rng.random_bool(0.85) {
        day - (weekday - 4)
    } else {
        day
    }
}

/// A moment between `from` and `to` days before as_of (from > to ≥ 1), concentrated near
/// `to` when `recency` > 1, on weekdays and during office hours mostly.
fn moment(rng: &mut impl Rng, window: (i64, i64), recency: f64, as_of_weekday: i64) -> i64 {
    let (from, to) = window;
    let u: f64 = rng.random();
    let ago = to as f64 + (from - to).max(0) as f64 * u.powf(recency);
    let day = weekday(rng, -(ago.round() as i64).max(1), as_of_weekday);
    let second = if rng.random_bool(0.9) {
        rng.random_range(8 * 3600..19 * 3600)
    } else {
        rng.random_range(0..DAY)
    };
    day * DAY + second
}

const FAIRS: &[&str] = &[
    "vivatech",
    "salon-solutions",
    "big-data-ai-paris",
    "salon-des-entrepreneurs",
];

/// The events of one account, sorted by time.
pub(crate) fn draw(
    rng: &mut impl Rng,
    segment: Segment,
    b: &Behaviour,
    tenure: i64,
    people: &[Person],
    as_of_weekday: i64,
) -> Vec<Event> {
    let mut events = Vec::with_capacity(48);
    let opted_in: Vec<usize> = (0..people.len()).filter(|&i| people[i].opt_in).collect();
    let (from, to) = (b.window.0.min(tenure.max(b.window.1 + 1) + 60), b.window.1);
    let email_from = 730.min(tenure + 30);

    // E-mail campaigns go to consenting contacts only.
    if !opted_in.is_empty() {
        let campaign = if segment == Segment::PriceSensitive {
            "promo"
        } else {
            "newsletter"
        };
        for _ in 0..poisson(rng, b.sends * email_from as f64 / 730.0) {
            let t = moment(rng, (email_from, 1), 1.0, as_of_weekday);
            let contact = Some(pick(rng, &opted_in));
            let with_account = rng.random_bool(0.85);
            let mut sent = Event::new(t, EventType::EmailSent);
            sent.contact = contact;
            sent.with_account = with_account;
            sent.campaign = campaign;
            if rng.random_bool(b.p_open) {
                let mut open = sent.clone();
                open.ty = EventType::EmailOpen;
                open.t = (t + rng.random_range(600..3 * DAY)).min(-1);
                open.device = weighted(rng, DEVICES);
                if rng.random_bool(b.p_click) {
                    let mut click = open.clone();
                    click.ty = EventType::EmailClick;
                    click.t = (open.t + rng.random_range(5..600)).min(-1);
                    click.url = page(rng, b);
                    events.push(click);
                }
                events.push(open);
            }
            events.push(sent);
        }
    }
    // Withdrawn consents appear as unsubscriptions, at the consent date.
    for (i, p) in people.iter().enumerate() {
        if !p.opt_in && p.consent_days_ago < 730 && rng.random_bool(0.5) {
            let mut e = Event::new(
                -p.consent_days_ago * DAY + rng.random_range(8 * 3600..19 * 3600),
                EventType::Unsubscribe,
            );
            e.contact = Some(i);
            events.push(e);
        }
    }
    // Web sessions: a visit, then pages, maybe a download or a demo request.
    for _ in 0..poisson(rng, b.sessions) {
        let mut t = moment(rng, (from, to), b.recency, as_of_weekday);
        let contact =
            (!people.is_empty() && rng.random_bool(0.4)).then(|| rng.random_range(0..people.len()));
        let device = weighted(rng, DEVICES);
        let pages = 1 + poisson(rng, (b.pages - 1.0).max(0.0));
        let session = |ty: EventType, url: &'static str, t: i64| {
            let mut e = Event::new(t, ty);
            e.contact = contact;
            e.url = url;
            e.device = device;
            e
        };
        let first = page(rng, b);
        events.push(session(EventType::Visit, first, t));
        for i in 0..pages {
            let url = if i == 0 { first } else { page(rng, b) };
            events.push(session(EventType::PageView, url, t));
            t = (t + rng.random_range(10..240)).min(-1);
        }
        if rng.random_bool(b.p_download) {
            let mut e = session(EventType::Download, "/ressources/livres-blancs", t);
            e.asset = pick(rng, ASSETS);
            events.push(e);
        }
        if rng.random_bool(b.p_demo) {
            events.push(session(EventType::DemoRequest, DEMO_URL, t));
        }
    }
    // Webinars and the rest need a person.
    if !people.is_empty() {
        for _ in 0..poisson(rng, b.webinars) {
            let t = moment(rng, (from, to), b.recency, as_of_weekday);
            let mut e = Event::new(t, EventType::WebinarRegistered);
            e.contact = Some(rng.random_range(0..people.len()));
            e.with_account = rng.random_bool(0.9);
            e.campaign = "webinar";
            e.topic = pick(rng, WEBINARS);
            let attended = t + rng.random_range(3..20) * DAY;
            if attended < 0 && rng.random_bool(b.p_attend) {
                let mut a = e.clone();
                a.ty = EventType::WebinarAttended;
                a.t = attended;
                events.push(a);
            }
            events.push(e);
        }
        let others = [
            (EventType::Call, b.calls),
            (EventType::Chat, b.chats),
            (EventType::Social, b.socials),
            (EventType::EventAttended, b.fairs),
        ];
        for (ty, mean) in others {
            for _ in 0..poisson(rng, mean) {
                let mut e = Event::new(moment(rng, (from, to), b.recency, as_of_weekday), ty);
                match ty {
                    EventType::Chat => {
                        e.url = pick(rng, CUSTOMER_URLS);
                        e.contact = rng
                            .random_bool(0.5)
                            .then(|| rng.random_range(0..people.len()));
                    }
                    EventType::Social => {}
                    EventType::EventAttended => {
                        e.topic = pick(rng, FAIRS);
                        e.contact = Some(rng.random_range(0..people.len()));
                    }
                    _ => e.contact = Some(rng.random_range(0..people.len())),
                }
                events.push(e);
            }
        }
    }
    events.sort_by_key(|e| e.t);
    events
}

/// A page from the segment's mix.
fn page(rng: &mut impl Rng, b: &Behaviour) -> &'static str {
    let m = b.mix;
    let pools: [(&[&'static str], u32); 5] = [
        (GENERAL_URLS, m.general),
        (CONTENT_URLS, m.content),
        (CUSTOMER_URLS, m.customer),
        (PROMO_URLS, m.promo),
        (&[PRICING_URL], m.pricing),
    ];
    let pool = weighted(rng, &pools);
    pick(rng, pool)
}

/// Signals that drive conversion in the 90 days after as_of.
pub(crate) fn conversion_probability(events: &[Event]) -> f64 {
    let recent = |e: &&Event, days: i64| e.t >= -days * DAY;
    let demos = events
        .iter()
        .filter(|e| e.ty == EventType::DemoRequest && recent(e, 90))
        .count();
    let webinars = events
        .iter()
        .filter(|e| e.ty == EventType::WebinarAttended && recent(e, 180))
        .count();
    let pricing = events
        .iter()
        .filter(|e| e.ty == EventType::PageView && e.url == PRICING_URL && recent(e, 90))
        .count();
    let last = events
        .iter()
        .filter(|e| e.ty != EventType::EmailSent)
        .map(|e| -e.t / DAY)
        .min()
        .unwrap_or(i64::MAX);
    let recency = match last {
        0..=30 => 1.0,
        31..=90 => 0.3,
        _ => -0.5,
    };
    let logit = -3.4
        + 1.8 * demos.min(1) as f64
        + 0.7 * webinars.min(2) as f64
        + 0.3 * pricing.min(5) as f64
        + recency;
    1.0 / (1.0 + (-logit).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_properties() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
        let mut e = Event::new(-DAY + 3661, EventType::EmailOpen);
        e.campaign = "newsletter";
        e.device = "mobile";
        let mut s = String::new();
        e.write_timestamp(&mut s, as_of);
        s.push(' ');
        e.write_properties(&mut s, as_of);
        assert_eq!(
            s,
            r#"2026-10-31T01:01:01Z {"campaign":"newsletter-2026-10","device":"mobile"}"#
        );
        assert_eq!(EventType::WebinarAttended.channel(), "webinar");
    }

    #[test]
    fn activity_falls_mostly_on_weekdays() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        // 2026-11-01 is a Sunday.
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
        let sunday = i64::from(as_of.weekday().num_days_from_monday());
        assert_eq!(sunday, 6);
        let weekend = (0..1000)
            .filter(|_| {
                let t = moment(&mut rng, (365, 1), 1.0, sunday);
                (sunday + t.div_euclid(DAY)).rem_euclid(7) >= 5
            })
            .count();
        assert!(weekend < 80, "{weekend} of 1000 on weekends");
    }

    #[test]
    fn engagement_drives_conversion() {
        let mut hot = vec![Event::new(-5 * DAY, EventType::DemoRequest)];
        let mut pricing = Event::new(-3 * DAY, EventType::PageView);
        pricing.url = PRICING_URL;
        hot.push(pricing);
        let cold = vec![Event::new(-400 * DAY, EventType::PageView)];
        assert!(conversion_probability(&hot) > 0.3);
        assert!(conversion_probability(&cold) < 0.05);
    }
}
