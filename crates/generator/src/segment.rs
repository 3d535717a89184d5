//! The latent segments and how each behaves.

use std::fmt;

use serde::Serialize;

/// A latent segment planted by the generator; its name is what `truth/segments.csv` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Large companies that order big, often, all along; engaged customers.
    LargeLoyal,
    /// Former customers: orders only 15 to 36 months ago, little engagement since; mostly
    /// churned.
    Dormant,
    /// Prospects without orders but with strong recent engagement: pricing and demo pages,
    /// webinars, demo requests, e-mail clicks. They convert often.
    EngagedProspect,
    /// Small customers with occasional small orders (consumables, on the web shop); they open
    /// e-mails but seldom click, and visit the promotions pages.
    PriceSensitive,
    /// Young companies (under a year) whose orders accelerate in number and size.
    FastGrowing,
    /// Prospects who read a lot (many page views and downloads over the last year) but never
    /// attend a webinar nor ask for a demo. They rarely convert.
    DigitalResearcher,
}

impl Segment {
    /// Every segment, in the order of `truth/manifest.json`.
    pub const ALL: [Segment; 6] = [
        Segment::LargeLoyal,
        Segment::Dormant,
        Segment::EngagedProspect,
        Segment::PriceSensitive,
        Segment::FastGrowing,
        Segment::DigitalResearcher,
    ];

    /// The name written in `truth/segments.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Segment::LargeLoyal => "large_loyal",
            Segment::Dormant => "dormant",
            Segment::EngagedProspect => "engaged_prospect",
            Segment::PriceSensitive => "price_sensitive",
            Segment::FastGrowing => "fast_growing",
            Segment::DigitalResearcher => "digital_researcher",
        }
    }

    /// Share of accounts in the segment, in thousandths.
    pub(crate) fn weight(self) -> u32 {
        match self {
            Segment::LargeLoyal => 120,
            Segment::Dormant => 180,
            Segment::EngagedProspect => 150,
            Segment::PriceSensitive => 220,
            Segment::FastGrowing => 100,
            Segment::DigitalResearcher => 230,
        }
    }

    /// How the segment behaves.
    pub(crate) fn behaviour(self) -> &'static Behaviour {
        &BEHAVIOURS[self as usize]
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Lifecycle status at the reference date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Prospect,
    Customer,
    Churned,
}

impl Status {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Status::Prospect => "prospect",
            Status::Customer => "customer",
            Status::Churned => "churned",
        }
    }
}

/// Which pages a segment's visitors read, as weights over page pools.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageMix {
    pub general: u32,
    pub content: u32,
    pub customer: u32,
    pub promo: u32,
    pub pricing: u32,
}

/// The orders of a segment before the reference date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrderPlan {
    /// Number of orders, uniform in this range.
    pub count: (u32, u32),
    /// Orders fall between these many days before as_of (or the account's creation).
    pub window: (i64, i64),
    /// Whether orders get denser and bigger towards as_of.
    pub accelerating: bool,
    /// Units per order, uniform in this range.
    pub quantity: (u32, u32),
    /// Weights of the categories Software, Hardware, Services, Supplies, Maintenance.
    pub categories: [u32; 5],
    /// Weights of the channels direct, web, partner.
    pub channels: [u32; 3],
}

/// Everything that differs between segments.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Behaviour {
    /// Employees, log-uniform in this range.
    pub employees: (f64, f64),
    /// Days between the account's creation and as_of.
    pub tenure: (i64, i64),
    /// Statuses with weights.
    pub statuses: &'static [(Status, u32)],
    pub orders: Option<OrderPlan>,
    /// Contacts per account, uniform in this range.
    pub contacts: (u32, u32),
    /// Mean e-mails sent to the account over two years, open and click rates.
    pub sends: f64,
    pub p_open: f64,
    pub p_click: f64,
    /// Web sessions, mean pages per session, download and demo-request rates per session.
    pub sessions: f64,
    pub pages: f64,
    pub p_download: f64,
    pub p_demo: f64,
    pub mix: PageMix,
    /// Webinar registrations and attendance rate.
    pub webinars: f64,
    pub p_attend: f64,
    pub calls: f64,
    pub chats: f64,
    pub socials: f64,
    pub fairs: f64,
    /// Engagement (not e-mail sends) happens between these many days before as_of...
    pub window: (i64, i64),
    /// ...with this exponent: 1 is uniform, larger concentrates it near the recent end.
    pub recency: f64,
}

const CUSTOMER: &[(Status, u32)] = &[(Status::Customer, 1)];
const PROSPECT: &[(Status, u32)] = &[(Status::Prospect, 1)];

const BEHAVIOURS: [Behaviour; 6] = [
    // Large loyal.
    Behaviour {
        employees: (250.0, 15000.0),
        tenure: (1300, 6000),
        statuses: CUSTOMER,
        orders: Some(OrderPlan {
            count: (14, 28),
            window: (1095, 1),
            accelerating: false,
            quantity: (3, 20),
            categories: [30, 25, 15, 5, 25],
            channels: [70, 10, 20],
        }),
        contacts: (3, 8),
        sends: 8.0,
        p_open: 0.45,
        p_click: 0.25,
        sessions: 3.0,
        pages: 2.0,
        p_download: 0.1,
        p_demo: 0.0,
        mix: PageMix {
            general: 2,
            content: 1,
            customer: 6,
            promo: 0,
            pricing: 1,
        },
        webinars: 0.5,
        p_attend: 0.6,
        calls: 2.0,
        chats: 0.3,
        socials: 0.3,
        fairs: 0.3,
        window: (730, 1),
        recency: 1.0,
    },
    // Dormant.
    Behaviour {
        employees: (10.0, 800.0),
        tenure: (1300, 5000),
        statuses: &[(Status::Churned, 7), (Status::Customer, 3)],
        orders: Some(OrderPlan {
            count: (5, 9),
            window: (1095, 460),
            accelerating: false,
            quantity: (1, 4),
            categories: [25, 25, 15, 20, 15],
            channels: [40, 30, 30],
        }),
        contacts: (1, 4),
        sends: 6.0,
        p_open: 0.12,
        p_click: 0.05,
        sessions: 0.6,
        pages: 1.5,
        p_download: 0.05,
        p_demo: 0.0,
        mix: PageMix {
            general: 3,
            content: 1,
            customer: 3,
            promo: 1,
            pricing: 1,
        },
        webinars: 0.0,
        p_attend: 0.0,
        calls: 0.3,
        chats: 0.0,
        socials: 0.0,
        fairs: 0.0,
        window: (730, 450),
        recency: 1.0,
    },
    // Engaged prospect.
    Behaviour {
        employees: (20.0, 3000.0),
        tenure: (30, 1100),
        statuses: PROSPECT,
        orders: None,
        contacts: (2, 5),
        sends: 6.0,
        p_open: 0.55,
        p_click: 0.35,
        sessions: 6.0,
        pages: 3.0,
        p_download: 0.25,
        p_demo: 0.12,
        mix: PageMix {
            general: 3,
            content: 2,
            customer: 0,
            promo: 0,
            pricing: 3,
        },
        webinars: 1.5,
        p_attend: 0.7,
        calls: 1.0,
        chats: 0.6,
        socials: 0.5,
        fairs: 0.3,
        window: (730, 1),
        recency: 4.0,
    },
    // Price sensitive.
    Behaviour {
        employees: (1.0, 60.0),
        tenure: (1300, 4500),
        statuses: CUSTOMER,
        orders: Some(OrderPlan {
            count: (2, 5),
            window: (1095, 1),
            accelerating: false,
            quantity: (1, 3),
            categories: [0, 3, 0, 85, 12],
            channels: [10, 80, 10],
        }),
        contacts: (1, 3),
        sends: 12.0,
        p_open: 0.6,
        p_click: 0.06,
        sessions: 1.5,
        pages: 1.5,
        p_download: 0.02,
        p_demo: 0.0,
        mix: PageMix {
            general: 1,
            content: 0,
            customer: 1,
            promo: 6,
            pricing: 2,
        },
        webinars: 0.1,
        p_attend: 0.3,
        calls: 0.3,
        chats: 0.2,
        socials: 0.1,
        fairs: 0.0,
        window: (730, 1),
        recency: 1.0,
    },
    // Fast growing.
    Behaviour {
        employees: (3.0, 120.0),
        tenure: (45, 330),
        statuses: CUSTOMER,
        orders: Some(OrderPlan {
            count: (6, 14),
            window: (330, 1),
            accelerating: true,
            quantity: (1, 4),
            categories: [40, 25, 25, 5, 5],
            channels: [50, 35, 15],
        }),
        contacts: (2, 5),
        sends: 5.0,
        p_open: 0.4,
        p_click: 0.2,
        sessions: 4.0,
        pages: 2.5,
        p_download: 0.15,
        p_demo: 0.05,
        mix: PageMix {
            general: 2,
            content: 1,
            customer: 3,
            promo: 0,
            pricing: 1,
        },
        webinars: 0.6,
        p_attend: 0.5,
        calls: 1.5,
        chats: 0.5,
        socials: 0.3,
        fairs: 0.1,
        window: (330, 1),
        recency: 2.0,
    },
    // Digital researcher.
    Behaviour {
        employees: (5.0, 1500.0),
        tenure: (60, 1500),
        statuses: PROSPECT,
        orders: None,
        contacts: (1, 4),
        sends: 6.0,
        p_open: 0.35,
        p_click: 0.15,
        sessions: 6.0,
        pages: 3.0,
        p_download: 0.6,
        p_demo: 0.0,
        mix: PageMix {
            general: 2,
            content: 8,
            customer: 0,
            promo: 0,
            pricing: 1,
        },
        webinars: 0.0,
        p_attend: 0.0,
        calls: 0.0,
        chats: 0.2,
        socials: 0.6,
        fairs: 0.0,
        window: (365, 1),
        recency: 1.0,
    },
];
