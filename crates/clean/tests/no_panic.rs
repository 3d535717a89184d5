//! Every normalizer, fed every string built from up to three awkward fragments, returns a value
//! or an error whose raw value is the input, and never panics.

use cible_clean::normalize::amount::{DecimalSeparator, parse_amount};
use cible_clean::normalize::company::normalize_company;
use cible_clean::normalize::date::{DateOrder, DateParams, parse_date};
use cible_clean::normalize::email::normalize_email;
use cible_clean::normalize::phone::normalize_phone;
use cible_clean::normalize::postcode::normalize_postcode;
use cible_clean::normalize::registry::{normalize_siren, normalize_siret, normalize_vat_fr};
use cible_clean::normalize::sector::normalize_naf;
use cible_clean::normalize::text::{clean, match_key};
use cible_clean::normalize::{Country, NormalizeError};

const FRAGMENTS: &[&str] = &[
    "",
    " ",
    "0",
    "00",
    "1",
    "12",
    "60",
    "2024",
    "123456789",
    "+",
    "-",
    "(",
    ")",
    "(0)",
    ".",
    ",",
    "'",
    "/",
    ":",
    "@",
    "#",
    "x",
    "T",
    "h",
    "é",
    "Œ",
    "ß",
    "€",
    "k",
    "M",
    "FR",
    "SAS",
    "S.A.",
    "mars",
    "\u{a0}",
    "\u{202f}",
    "\u{feff}",
    "\u{301}",
    "٣",
    "🙂",
    "ＡＢ",
    "cedex",
    "poste",
];

fn check<T>(raw: &str, result: Result<T, NormalizeError>) {
    if let Err(e) = result {
        assert_eq!(e.raw, raw);
        assert!(!e.to_string().is_empty());
        assert!(!e.code().is_empty());
    }
}

#[test]
fn no_input_makes_a_normalizer_panic() {
    let dates = [
        DateParams::new(),
        DateParams::new().order(DateOrder::DayFirst),
        DateParams::new().order(DateOrder::MonthFirst),
    ];
    let n = FRAGMENTS.len();
    let mut inputs = Vec::with_capacity(n * n * n);
    for a in FRAGMENTS {
        for b in FRAGMENTS {
            for c in FRAGMENTS {
                inputs.push(format!("{a}{b}{c}"));
            }
        }
    }
    for raw in &inputs {
        let raw = raw.as_str();
        let _ = (clean(raw), match_key(raw));
        check(raw, normalize_company(raw));
        check(raw, normalize_email(raw));
        for country in Country::ALL {
            check(raw, normalize_phone(raw, country));
            check(raw, normalize_postcode(raw, country));
        }
        for params in &dates {
            check(raw, parse_date(raw, params));
        }
        for d in [
            DecimalSeparator::Auto,
            DecimalSeparator::Comma,
            DecimalSeparator::Point,
        ] {
            check(raw, parse_amount(raw, d));
        }
        check(raw, normalize_siren(raw));
        check(raw, normalize_siret(raw));
        check(raw, normalize_vat_fr(raw));
        check(raw, normalize_naf(raw));
    }
}

#[test]
fn normalized_values_are_fixed_points() {
    // Normalizing a normalized value gives it back: the pipeline may run twice.
    for raw in ["  Île-de-France ", "ACME  S.A.S.", "Straße"] {
        let once = clean(raw);
        assert_eq!(clean(&once), once);
        let key = match_key(raw);
        assert_eq!(match_key(&key), key);
    }
    let e164 = normalize_phone("01 23 45 67 89", Country::Fr).unwrap().e164;
    assert_eq!(normalize_phone(&e164, Country::Gb).unwrap().e164, e164);
    let mail = normalize_email(" A.B@Gmail.com").unwrap().address;
    assert_eq!(normalize_email(&mail).unwrap().address, mail);
    let pc = normalize_postcode("sw1a1aa", Country::Gb).unwrap().value;
    assert_eq!(normalize_postcode(&pc, Country::Gb).unwrap().value, pc);
    let naf = normalize_naf("6201z").unwrap().code;
    assert_eq!(normalize_naf(&naf).unwrap().code, naf);
    let amount = parse_amount("1 234,50 €", DecimalSeparator::Auto)
        .unwrap()
        .decimal;
    assert_eq!(
        parse_amount(&amount, DecimalSeparator::Point)
            .unwrap()
            .decimal,
        amount
    );
    let date = parse_date("5 mars 2024", &DateParams::new())
        .unwrap()
        .to_string();
    assert_eq!(
        parse_date(&date, &DateParams::new()).unwrap().to_string(),
        date
    );
}
