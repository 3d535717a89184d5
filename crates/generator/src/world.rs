//! The latent model: one account at a time, from its segment to every row it leaves in the
//! four sources and in the truth files.
//!
//! Each account draws from its own random stream (ChaCha8 seeded with the data set's seed,
//! stream = account index), so accounts are independent of each other: they are generated in
//! parallel and concatenated in index order, and the output does not depend on thread count.

use std::ops::Range;

use chrono::{Datelike, NaiveDate, TimeDelta};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dirt::{Kind, Planter};
use crate::duplicates;
use crate::events::{self, Event};
use crate::identity::{Identities, Identity};
use crate::layout::{self, acc, con};
use crate::people::{PHONE_STYLES, Person};
use crate::registry::{self, Ids};
use crate::rows::{Rows, ascii_slug, write_decimal_comma, write_dmy, write_grouped, write_iso};
use crate::sample::{log_uniform, normal, pick, pick_by, weighted};
use crate::segment::{Behaviour, Segment, Status};
use crate::vocab::{self, City, Country, OWNERS, PRODUCTS, Sector};

/// Share of accounts, and of contacts, that get a duplicate record.
const DUPLICATE_RATE: f64 = 0.05;

/// Counts gathered while generating.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub segments: [u64; 6],
    pub prospects: u64,
    pub converted: u64,
    pub duplicate_accounts: u64,
    pub duplicate_contacts: u64,
    pub dirt: [u64; 3],
}

impl Stats {
    pub(crate) fn add(&mut self, other: &Stats) {
        for (a, b) in self.segments.iter_mut().zip(other.segments) {
            *a += b;
        }
        for (a, b) in self.dirt.iter_mut().zip(other.dirt) {
            *a += b;
        }
        self.prospects += other.prospects;
        self.converted += other.converted;
        self.duplicate_accounts += other.duplicate_accounts;
        self.duplicate_contacts += other.duplicate_contacts;
    }

    fn count_dirt(&mut self, kind: Option<Kind>) {
        if let Some(kind) = kind {
            self.dirt[kind as usize] += 1;
        }
    }
}

/// The rows a range of accounts produces.
pub(crate) struct Chunk {
    /// Rows of the four data files, in `layout::DATA` order.
    pub data: [Rows; 4],
    /// Duplicate account and contact records, written after the rows of their batch.
    pub duplicates: [Rows; 2],
    /// Rows of the truth files, in `layout::TRUTH` order.
    pub truth: [Rows; 5],
    pub stats: Stats,
}

impl Chunk {
    fn new() -> Self {
        Self {
            data: layout::DATA.map(|l| Rows::new(l.columns.len())),
            duplicates: [
                Rows::new(layout::ACCOUNTS.columns.len()),
                Rows::new(layout::CONTACTS.columns.len()),
            ],
            truth: std::array::from_fn(|i| Rows::new(layout::TRUTH[i].columns.len())),
            stats: Stats::default(),
        }
    }

    /// Maybe plants dirt in row `row` of the planter's table (or of its duplicates),
    /// recording it in `dirt.csv`'s rows.
    fn plant(
        &mut self,
        planter: &Planter,
        rng: &mut ChaCha8Rng,
        duplicate: bool,
        row: usize,
        unit_price: f64,
    ) {
        let table = planter.table_index();
        let rows = if duplicate {
            &mut self.duplicates[table]
        } else {
            &mut self.data[table]
        };
        let kind = planter.plant(rng, rows, row, unit_price, &mut self.truth[layout::DIRT]);
        self.stats.count_dirt(kind);
    }
}

/// Indices of the data tables in `Chunk::data` (and of accounts and contacts in
/// `Chunk::duplicates`).
const ACCOUNTS: usize = 0;
const CONTACTS: usize = 1;
const ORDERS: usize = 2;
const EVENTS: usize = 3;

/// An account's id, its duplicate's, and the share of records that point at the duplicate.
struct Owner<'a> {
    id: &'a str,
    dup: Option<&'a str>,
    split: f64,
}

impl Owner<'_> {
    /// The account id a new record points at.
    fn pick(&self, rng: &mut ChaCha8Rng) -> &str {
        match self.dup {
            Some(dup) if rng.random_bool(self.split) => dup,
            _ => self.id,
        }
    }
}

/// The generator of one data set.
pub(crate) struct World {
    seed: u64,
    as_of: NaiveDate,
    ids: Ids,
    /// Every account's country, city, sector and unique name.
    identities: Identities,
    planters: [Planter; 4],
}

/// A company before it is written.
struct Firm {
    country: &'static Country,
    city: &'static City,
    postal_code: String,
    sector: &'static Sector,
    name: String,
    legal_form: &'static str,
    siren: String,
    siret: String,
    employees: u64,
    revenue: f64,
    domain: String,
    website: String,
    /// Days between creation and as_of.
    tenure: i64,
    owner: &'static str,
    status: Status,
}

/// An order before it is written.
struct Order {
    /// Days after as_of (negative: before).
    day: i64,
    product: usize,
    quantity: u32,
    unit_price: f64,
    channel: &'static str,
}

impl World {
    pub(crate) fn new(seed: u64, as_of: NaiveDate, accounts: usize) -> Self {
        Self {
            seed,
            as_of,
            identities: Identities::plan(seed, accounts),
            ids: Ids::new(seed),
            planters: layout::DATA.map(Planter::new),
        }
    }

    /// Generates accounts `range`, in order.
    pub(crate) fn chunk(&self, range: Range<usize>) -> Chunk {
        let mut chunk = Chunk::new();
        for index in range {
            self.account(index, &mut chunk);
        }
        chunk
    }

    fn date(&self, days: i64) -> NaiveDate {
        self.as_of + TimeDelta::days(days)
    }

    fn account(&self, index: usize, out: &mut Chunk) {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index as u64);
        let rng = &mut rng;
        let segment = *pick_by(rng, &Segment::ALL, |s| s.weight());
        let b = segment.behaviour();
        let firm = draw_firm(rng, self.identities.get(index), b);
        let id = self.ids.account(index, false);
        let dup = rng
            .random_bool(DUPLICATE_RATE)
            .then(|| self.ids.account(index, true));
        // When the duplicate is used by other systems, some records point at it.
        let split = if dup.is_some() && rng.random_bool(0.5) {
            0.3
        } else {
            0.0
        };
        let owner = Owner {
            id: &id,
            dup: dup.as_deref(),
            split,
        };
        out.stats.segments[segment as usize] += 1;
        out.truth[layout::SEGMENTS].push(&id);
        out.truth[layout::SEGMENTS].push(segment.name());

        self.write_account(rng, &firm, &owner, out);
        let (low, high) = b.contacts;
        // Colleagues of one name would share an e-mail address: a company's people have
        // distinct names.
        let consent_window = (firm.tenure + 200).min(2500);
        let mut people: Vec<Person> = Vec::new();
        for _ in 0..rng.random_range(low..=high) {
            let person = loop {
                let p = Person::draw(rng, firm.country, &firm.domain, consent_window);
                if !people
                    .iter()
                    .any(|q| (q.first, q.last) == (p.first, p.last))
                {
                    break p;
                }
            };
            people.push(person);
        }
        let contact_ids = self.write_contacts(rng, index, &people, &owner, out);

        // Events first: conversion depends on engagement.
        let weekday = i64::from(self.as_of.weekday().num_days_from_monday());
        let events = events::draw(rng, segment, b, firm.tenure, &people, weekday);
        let mut orders = draw_orders(rng, b, &firm, weekday);
        if firm.status == Status::Prospect {
            out.stats.prospects += 1;
            let converted = rng.random_bool(events::conversion_probability(&events));
            if converted {
                out.stats.converted += 1;
                let first = rng.random_range(1..=75);
                for k in 0..rng.random_range(1..=3) {
                    let day = if k == 0 {
                        first
                    } else {
                        rng.random_range(first..=90)
                    };
                    let (categories, channels) = ([45, 20, 35, 0, 0], [60, 30, 10]);
                    let order =
                        draw_order(rng, day, categories, (1, 5), 1.0, channels, firm.country);
                    orders.push(order);
                }
            }
            out.truth[layout::CONVERSIONS].push(&id);
            out.truth[layout::CONVERSIONS].push(if converted { "true" } else { "false" });
        }
        orders.sort_by_key(|o| o.day);
        self.write_orders(rng, index, &firm, &orders, &owner, out);
        self.write_events(rng, index, &events, &contact_ids, &owner, out);
    }

    /// The account's row and, if it has one, its duplicate made from the clean row.
    fn write_account(&self, rng: &mut ChaCha8Rng, firm: &Firm, owner: &Owner, out: &mut Chunk) {
        let row = out.data[ACCOUNTS].len();
        self.write_firm(rng, firm, owner.id, &mut out.data[ACCOUNTS]);
        if let Some(dup) = owner.dup {
            let dups = &mut out.duplicates[ACCOUNTS];
            let dup_row = dups.len();
            dups.push_row_from(&out.data[ACCOUNTS], row);
            self.perturb_firm(rng, firm, dup, dups, dup_row);
            out.plant(&self.planters[ACCOUNTS], rng, true, dup_row, 0.0);
            push_pair(&mut out.truth[layout::DUP_ACCOUNTS], owner.id, dup);
            out.stats.duplicate_accounts += 1;
        }
        out.plant(&self.planters[ACCOUNTS], rng, false, row, 0.0);
    }

    /// The contacts' rows, some with a duplicate; returns each contact's id and its
    /// duplicate's.
    fn write_contacts(
        &self,
        rng: &mut ChaCha8Rng,
        index: usize,
        people: &[Person],
        owner: &Owner,
        out: &mut Chunk,
    ) -> Vec<(String, Option<String>)> {
        let mut ids = Vec::with_capacity(people.len());
        for (j, person) in people.iter().enumerate() {
            let contact_id = self.ids.contact(index, j as u64);
            let row = out.data[CONTACTS].len();
            let account = owner.pick(rng);
            self.write_person(person, &contact_id, account, &mut out.data[CONTACTS]);
            let mut dup_id = None;
            if rng.random_bool(DUPLICATE_RATE) {
                let dup = self.ids.contact(index, 64 + j as u64);
                let dups = &mut out.duplicates[CONTACTS];
                let dup_row = dups.len();
                dups.push_row_from(&out.data[CONTACTS], row);
                let account = match owner.dup {
                    Some(d) if rng.random_bool(0.5) => d,
                    _ => account,
                };
                perturb_person(rng, person, &dup, account, dups, dup_row);
                out.plant(&self.planters[CONTACTS], rng, true, dup_row, 0.0);
                push_pair(&mut out.truth[layout::DUP_CONTACTS], &contact_id, &dup);
                out.stats.duplicate_contacts += 1;
                dup_id = Some(dup);
            }
            out.plant(&self.planters[CONTACTS], rng, false, row, 0.0);
            ids.push((contact_id, dup_id));
        }
        ids
    }

    fn write_orders(
        &self,
        rng: &mut ChaCha8Rng,
        index: usize,
        firm: &Firm,
        orders: &[Order],
        owner: &Owner,
        out: &mut Chunk,
    ) {
        for (k, order) in orders.iter().enumerate() {
            let rows = &mut out.data[ORDERS];
            let row = rows.len();
            let product = &PRODUCTS[order.product];
            rows.push(&self.ids.order(index, k as u64));
            rows.push(owner.pick(rng));
            rows.push_with(|s| write_dmy(s, self.date(order.day)));
            let amount = order.unit_price * f64::from(order.quantity);
            rows.push_with(|s| write_decimal_comma(s, amount, false));
            rows.push(firm.country.currency);
            rows.push(product.name);
            rows.push(product.category.label());
            rows.push_with(|s| write_grouped(s, u64::from(order.quantity), None));
            rows.push(order.channel);
            out.plant(&self.planters[ORDERS], rng, false, row, order.unit_price);
        }
    }

    fn write_events(
        &self,
        rng: &mut ChaCha8Rng,
        index: usize,
        events: &[Event],
        contact_ids: &[(String, Option<String>)],
        owner: &Owner,
        out: &mut Chunk,
    ) {
        for (k, event) in events.iter().enumerate() {
            let rows = &mut out.data[EVENTS];
            let row = rows.len();
            rows.push(&self.ids.event(index, k as u64));
            rows.push(if event.with_account {
                owner.pick(rng)
            } else {
                ""
            });
            rows.push(match event.contact {
                Some(c) => match &contact_ids[c] {
                    (_, Some(dup)) if rng.random_bool(0.3) => dup,
                    (original, _) => original,
                },
                None => "",
            });
            rows.push_with(|s| event.write_timestamp(s, self.as_of));
            rows.push(event.ty.channel());
            rows.push(event.ty.name());
            rows.push_with(|s| event.write_properties(s, self.as_of));
            out.plant(&self.planters[EVENTS], rng, false, row, 0.0);
        }
    }

    fn write_firm(&self, rng: &mut ChaCha8Rng, f: &Firm, id: &str, rows: &mut Rows) {
        rows.push(id);
        rows.push(&f.name);
        if f.siren.len() == 9 && rng.random_bool(0.1) {
            rows.push_with(|s| {
                s.push_str(&f.siren[..3]);
                s.push(' ');
                s.push_str(&f.siren[3..6]);
                s.push(' ');
                s.push_str(&f.siren[6..]);
            });
        } else {
            rows.push(&f.siren);
        }
        rows.push(&f.siret);
        rows.push(f.legal_form);
        // Foreign companies carry the NACE code, the NAF code without its letter.
        rows.push(if f.country.code == "FR" {
            f.sector.code
        } else {
            &f.sector.code[..5]
        });
        rows.push(f.sector.label);
        let grouped = f.employees >= 1000 && rng.random_bool(0.3);
        rows.push_with(|s| write_grouped(s, f.employees, grouped.then_some(' ')));
        let grouped = rng.random_bool(0.2);
        rows.push_with(|s| write_decimal_comma(s, f.revenue, grouped));
        rows.push(f.country.currency);
        rows.push(f.country.name_fr);
        rows.push(f.city.region);
        rows.push(f.city.name);
        rows.push(&f.postal_code);
        rows.push(&f.website);
        rows.push_with(|s| write_dmy(s, self.date(-f.tenure)));
        rows.push(f.owner);
        rows.push(f.status.name());
    }

    /// Turns the copy of a firm's row into a second record of the same company.
    fn perturb_firm(
        &self,
        rng: &mut ChaCha8Rng,
        f: &Firm,
        dup_id: &str,
        rows: &mut Rows,
        row: usize,
    ) {
        rows.set(row, acc::ID, dup_id);
        rows.set(
            row,
            acc::NAME,
            &duplicates::company_name(rng, &f.name, f.legal_form),
        );
        if rng.random_bool(0.4) {
            rows.set(row, acc::SIREN, "");
        }
        if f.siret.len() == 14 {
            match rng.random_range(0..10u8) {
                0..=2 => rows.set(row, acc::SIRET, ""),
                // Another establishment of the same company.
                3..=5 => rows.set(
                    row,
                    acc::SIRET,
                    &registry::siret(&f.siren, rng.random_range(2..60)),
                ),
                _ => {}
            }
        }
        match rng.random_range(0..10u8) {
            0..=2 => rows.set(row, acc::WEBSITE, ""),
            3..=5 => rows.set(row, acc::WEBSITE, &f.domain),
            _ => {}
        }
        if rng.random_bool(0.3) {
            let rounded = (f.employees.div_ceil(10) * 10).to_string();
            rows.set(row, acc::EMPLOYEES, &rounded);
        }
        if rng.random_bool(0.3) {
            rows.set(row, acc::REVENUE, "");
        }
        let later = rng.random_range(0..=f.tenure.max(1));
        let mut created = String::new();
        write_dmy(&mut created, self.date(-f.tenure + later));
        rows.set(row, acc::CREATED_AT, &created);
        if rng.random_bool(0.5) {
            rows.set(row, acc::OWNER, pick(rng, OWNERS));
        }
        if rng.random_bool(0.2) {
            // Created again by a web form, as a lead.
            rows.set(row, acc::STATUS, Status::Prospect.name());
        }
    }

    fn write_person(&self, p: &Person, id: &str, account: &str, rows: &mut Rows) {
        rows.push(id);
        rows.push(account);
        rows.push(p.first);
        rows.push(p.last);
        rows.push(&p.email);
        rows.push(&p.phone.format(p.phone_style));
        rows.push(p.title.title);
        rows.push(p.title.role.department());
        rows.push(p.title.seniority);
        rows.push(if p.opt_in { "yes" } else { "no" });
        rows.push_with(|s| write_iso(s, self.date(-p.consent_days_ago)));
        rows.push(p.consent_source);
    }
}

/// Writes a duplicate pair with the smaller id first.
fn push_pair(rows: &mut Rows, a: &str, b: &str) {
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    rows.push(first);
    rows.push(second);
}

/// Turns the copy of a contact's row into a second record of the same person.
fn perturb_person(
    rng: &mut ChaCha8Rng,
    p: &Person,
    dup_id: &str,
    account: &str,
    rows: &mut Rows,
    row: usize,
) {
    rows.set(row, con::ID, dup_id);
    rows.set(row, con::ACCOUNT, account);
    let mut first = duplicates::person_name(rng, p.first);
    let mut last = duplicates::person_name(rng, p.last);
    if first == p.first && last == p.last {
        last = duplicates::typo(rng, p.last);
    }
    if rng.random_bool(0.1) {
        std::mem::swap(&mut first, &mut last);
    }
    rows.set(row, con::FIRST_NAME, &first);
    rows.set(row, con::LAST_NAME, &last);
    match rng.random_range(0..10u8) {
        0..=3 => rows.set(row, con::EMAIL, &duplicates::recase_email(&p.email)),
        4..=5 => rows.set(row, con::EMAIL, ""),
        _ => {}
    }
    match rng.random_range(0..10u8) {
        0..=5 => {
            let style = (p.phone_style + rng.random_range(1..PHONE_STYLES)) % PHONE_STYLES;
            rows.set(row, con::PHONE, &p.phone.format(style));
        }
        6..=7 => rows.set(row, con::PHONE, ""),
        _ => {}
    }
    if rng.random_bool(0.3) {
        // Another title for the same role, as another system records it.
        let same_role: Vec<&vocab::Title> = vocab::TITLES
            .iter()
            .filter(|t| t.role == p.title.role && t.gender.fits(p.female))
            .collect();
        let title = pick(rng, &same_role);
        rows.set(row, con::JOB_TITLE, title.title);
        rows.set(row, con::SENIORITY, title.seniority);
    }
    if rng.random_bool(0.3) {
        rows.set(row, con::OPT_IN, if p.opt_in { "no" } else { "yes" });
    }
}

fn draw_firm(rng: &mut ChaCha8Rng, identity: Identity, b: &Behaviour) -> Firm {
    let Identity {
        country,
        city,
        sector,
        core,
        postal_code,
    } = identity;
    let french = country.code == "FR";
    let employees = log_uniform(rng, b.employees.0, b.employees.1)
        .round()
        .max(1.0) as u64;
    let legal_form = match employees {
        _ if !french => weighted(rng, country.legal_forms),
        250.. => weighted(rng, &[("SA", 4), ("SAS", 6)]),
        0..10 => weighted(rng, &[("SARL", 4), ("EURL", 3), ("SASU", 4), ("SAS", 2)]),
        _ => weighted(rng, country.legal_forms),
    };
    let name = match rng.random_range(0..10u8) {
        0 if french => format!("{legal_form} {core}"),
        1 => core.clone(),
        _ => format!("{core} {legal_form}"),
    };
    let revenue = employees as f64
        * 140_000.0
        * sector.productivity
        * (0.35 * normal(rng)).exp()
        * country.per_euro;
    let joined = rng.random_bool(0.6);
    let mut domain = String::with_capacity(32);
    for (i, word) in core.split(' ').enumerate() {
        if i > 0 && joined {
            domain.push('-');
        }
        ascii_slug(word, &mut domain);
    }
    domain.push('.');
    domain.push_str(country.tld);
    let website = match rng.random_range(0..20u8) {
        0..=10 => format!("www.{domain}"),
        11..=15 => format!("https://www.{domain}"),
        16 => format!("http://{domain}"),
        _ => domain.clone(),
    };
    let (siren, siret) = if french {
        let siren = registry::siren(rng);
        let establishment = if rng.random_bool(0.7) {
            1
        } else {
            rng.random_range(2..40)
        };
        let siret = registry::siret(&siren, establishment);
        (siren, siret)
    } else {
        (String::new(), String::new())
    };
    Firm {
        country,
        city,
        postal_code,
        sector,
        name,
        legal_form,
        siren,
        siret,
        employees,
        revenue,
        domain,
        website,
        tenure: rng.random_range(b.tenure.0..=b.tenure.1),
        owner: pick(rng, OWNERS),
        status: weighted(rng, b.statuses),
    }
}

/// The orders a customer placed before as_of.
fn draw_orders(rng: &mut ChaCha8Rng, b: &Behaviour, firm: &Firm, as_of_weekday: i64) -> Vec<Order> {
    let Some(plan) = b.orders else {
        return Vec::new();
    };
    let from = plan.window.0.min(firm.tenure - 7);
    let to = plan.window.1;
    if from <= to {
        return Vec::new();
    }
    let n = rng.random_range(plan.count.0..=plan.count.1);
    (0..n)
        .map(|_| {
            let u: f64 = rng.random();
            let (ago, growth) = if plan.accelerating {
                // Density rising linearly towards as_of, amounts growing with it.
                let progress = u.sqrt();
                (
                    to as f64 + (from - to) as f64 * (1.0 - progress),
                    0.5 + 1.5 * progress,
                )
            } else {
                (to as f64 + (from - to) as f64 * u, 1.0)
            };
            let day = events::weekday(rng, -(ago.round() as i64).max(1), as_of_weekday);
            draw_order(
                rng,
                day,
                plan.categories,
                plan.quantity,
                growth,
                plan.channels,
                firm.country,
            )
        })
        .collect()
}

fn draw_order(
    rng: &mut ChaCha8Rng,
    day: i64,
    categories: [u32; 5],
    quantity: (u32, u32),
    growth: f64,
    channels: [u32; 3],
    country: &Country,
) -> Order {
    let category = pick_by(rng, &[0usize, 1, 2, 3, 4], |&c| categories[c]);
    let candidates: Vec<usize> = (0..PRODUCTS.len())
        .filter(|&i| PRODUCTS[i].category as usize == *category)
        .collect();
    let product = pick(rng, &candidates);
    let (low, high) = PRODUCTS[product].price;
    let unit = (rng.random_range(low..=high) * growth * country.per_euro * 100.0).round() / 100.0;
    let channel = weighted(
        rng,
        &[
            ("direct", channels[0]),
            ("web", channels[1]),
            ("partner", channels[2]),
        ],
    );
    Order {
        day,
        product,
        quantity: rng.random_range(quantity.0..=quantity.1),
        unit_price: unit,
        channel,
    }
}
