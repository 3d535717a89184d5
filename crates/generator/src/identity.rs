//! Company identities: country, city, sector, a name and a street-level postcode, with no two
//! companies of a country sharing a name. Registers do not hold two live companies of one name
//! in one country, and no two companies own one web domain (which is made from the name); a
//! generator that let them would plant duplicates its truth does not know of, and score a
//! deduplicator for merging what no one could tell apart.
//!
//! Names are drawn from small vocabularies, so they collide by chance. [`Identities::plan`]
//! walks the accounts in index order once, before any is generated, and records for each how
//! many drawn names it had to discard because an earlier account held them. Each account's
//! identity comes from its own random stream, so [`Identities::get`] replays it in any order,
//! on any thread: the output does not depend on the thread count.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::rows::ascii_slug;
use crate::sample::{pick, pick_by, weighted};
use crate::vocab::{
    self, BRAND_WORDS, COUNTRIES, City, Country, FRENCH_PREFIXES, NamePool, SECTORS, Sector,
};

/// Mixed into the data set's seed so identities draw from streams of their own.
const SALT: u64 = 0x6964_656e_7469_7479;

/// Draws of the plain name forms before the wider ones (two family names, a given name).
const PLAIN_DRAWS: u16 = 6;

/// The draw that appends the account's index to the name: unique whatever came before, for
/// data sets far larger than the vocabularies.
const LAST_DRAW: u16 = 48;

/// Who a company is, before its size and behaviour.
pub(crate) struct Identity {
    pub country: &'static Country,
    pub city: &'static City,
    pub sector: &'static Sector,
    /// The name without its legal form.
    pub core: String,
    pub postal_code: String,
}

/// How many name draws each account discards: the plan that makes names unique.
pub(crate) struct Identities {
    seed: u64,
    discarded: Vec<u16>,
}

impl Identities {
    /// Plans the names of accounts `0..accounts` of the data set `seed`.
    pub(crate) fn plan(seed: u64, accounts: usize) -> Self {
        let mut taken = HashSet::with_capacity(accounts);
        let discarded = (0..accounts)
            .map(|index| {
                let mut drawer = Drawer::new(seed, index);
                let mut draw = 0;
                while !taken.insert(name_key(drawer.country, &drawer.core(draw))) {
                    draw += 1;
                }
                draw
            })
            .collect();
        Self { seed, discarded }
    }

    /// The identity of account `index`.
    pub(crate) fn get(&self, index: usize) -> Identity {
        let mut drawer = Drawer::new(self.seed, index);
        let mut core = drawer.core(0);
        for draw in 1..=self.discarded[index] {
            core = drawer.core(draw);
        }
        let postal_code = postal_code(&mut drawer.rng, drawer.country, drawer.city);
        Identity {
            country: drawer.country,
            city: drawer.city,
            sector: drawer.sector,
            core,
            postal_code,
        }
    }
}

/// One account's identity stream: the place and sector first, then names until one is free.
struct Drawer {
    rng: ChaCha8Rng,
    index: usize,
    country: &'static Country,
    city: &'static City,
    sector: &'static Sector,
}

impl Drawer {
    fn new(seed: u64, index: usize) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SALT);
        rng.set_stream(index as u64);
        let country = pick_by(&mut rng, COUNTRIES, |c| c.weight);
        let city = pick_by(&mut rng, country.cities, |c| c.weight);
        let sector = &SECTORS[rng.random_range(0..SECTORS.len())];
        Self {
            rng,
            index,
            country,
            city,
            sector,
        }
    }

    /// The name of draw number `draw` (draws must be asked for in order).
    fn core(&mut self, draw: u16) -> String {
        let (rng, country, sector, city) = (&mut self.rng, self.country, self.sector, self.city);
        match draw {
            0..PLAIN_DRAWS => plain_core(rng, country, sector, city.name),
            LAST_DRAW.. => format!(
                "{} {}",
                plain_core(rng, country, sector, city.name),
                self.index
            ),
            _ => wide_core(rng, country, sector, city.name),
        }
    }
}

/// What makes two names one: the country and the set of words without accents or punctuation
/// (`Martin Conseil`, `Conseil Martin` and `MARTIN-CONSEIL` are one name).
fn name_key(country: &Country, core: &str) -> String {
    let mut words: Vec<String> = core
        .split([' ', '-', '\'', '&'])
        .map(|word| {
            let mut slug = String::with_capacity(word.len());
            ascii_slug(word, &mut slug);
            slug
        })
        .filter(|slug| !slug.is_empty())
        .collect();
    words.sort_unstable();
    format!("{} {}", country.code, words.join(" "))
}

/// A company name without its legal form, in the forms registers show most. Names without a
/// family name in them ("Armor Informatique", "Société Régionale de Distribution") carry their
/// city, as real ones do to tell themselves apart.
fn plain_core(rng: &mut ChaCha8Rng, country: &Country, sector: &Sector, city: &str) -> String {
    let family = family_name(rng, country);
    let brand = pick(rng, BRAND_WORDS);
    if country.code != "FR" {
        let word = pick(rng, country.business_words);
        return match rng.random_range(0..3u8) {
            0 => format!("{brand} {word} {city}"),
            1 => format!("{word} {family}"),
            _ => format!("{family} {word}"),
        };
    }
    let word = pick(rng, sector.words);
    let elided = |w: &str| w.starts_with(['A', 'E', 'I', 'O', 'U', 'É', 'Î', 'H']);
    let of = |w: &str| if elided(w) { "d'" } else { "de " };
    match rng.random_range(0..7u8) {
        0 | 1 => format!("{word} {family}"),
        2 => format!("{brand} {word} {city}"),
        3 => format!("{} {family}", pick(rng, FRENCH_PREFIXES)),
        4 => format!(
            "{family} {}",
            pick(rng, &["et Fils", "& Associés", "Frères"])
        ),
        5 => {
            let adjective = pick(
                rng,
                &[
                    "Générale",
                    "Nouvelle",
                    "Industrielle",
                    "Régionale",
                    "Française",
                ],
            );
            format!("Société {adjective} {}{word} {}{city}", of(word), of(city))
        }
        _ => format!("{word} {brand} {city}"),
    }
}

/// The rarer forms with more words, drawn once the plain ones are taken: two founders' names,
/// a founder's full name, a family name with the city.
fn wide_core(rng: &mut ChaCha8Rng, country: &Country, sector: &Sector, city: &str) -> String {
    let family = family_name(rng, country);
    let partner = family_name(rng, country);
    let word = if country.business_words.is_empty() {
        pick(rng, sector.words)
    } else {
        pick(rng, country.business_words)
    };
    let pool: NamePool = weighted(rng, country.names);
    let (given, _) = pick(rng, vocab::first_names(pool));
    match rng.random_range(0..4u8) {
        0 => format!("{family} & {partner} {word}"),
        1 => format!("{family}-{partner} {word}"),
        2 => format!("{given} {family} {word}"),
        _ => format!("{word} {family} {city}"),
    }
}

fn family_name(rng: &mut ChaCha8Rng, country: &Country) -> &'static str {
    let pool: NamePool = weighted(rng, country.names);
    pick(rng, vocab::last_names(pool))
}

/// A postcode of a street in `city`: cities of many postcodes get one of theirs, in the
/// country's format (London `EC1A 4HD`, Amsterdam `1012 KX`, München `80337`); French and
/// Belgian and Swiss postcodes name the commune and stay as the city has them.
fn postal_code(rng: &mut ChaCha8Rng, country: &Country, city: &City) -> String {
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let base = city.postal_code;
    let mut letter = || char::from(LETTERS[rng.random_range(0..LETTERS.len())]);
    match country.code {
        "GB" => {
            let outward = base.split(' ').next().unwrap_or(base);
            let (a, b) = (letter(), letter());
            format!("{outward} {}{a}{b}", rng.random_range(1..10u8))
        }
        "NL" => {
            let digits = base.split(' ').next().unwrap_or(base);
            let (a, b) = (letter(), letter());
            format!("{digits} {a}{b}")
        }
        "DE" | "ES" | "IT" if base.len() == 5 => {
            let last: u8 = base[3..].parse().unwrap_or(0);
            format!(
                "{}{:02}",
                &base[..3],
                (last + rng.random_range(0..40u8)).min(99)
            )
        }
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_accounts_of_a_country_share_a_name() {
        let identities = Identities::plan(7, 20_000);
        let mut seen = HashSet::new();
        for index in 0..20_000 {
            let identity = identities.get(index);
            assert!(
                seen.insert(name_key(identity.country, &identity.core)),
                "{} taken twice",
                identity.core
            );
        }
        let widened = identities
            .discarded
            .iter()
            .filter(|&&d| d >= PLAIN_DRAWS)
            .count();
        assert!(
            widened < 20_000 / 4,
            "{widened} names needed the wide forms"
        );
    }

    #[test]
    fn names_are_one_whatever_their_word_order_and_spelling() {
        let fr = &COUNTRIES[0];
        assert_eq!(
            name_key(fr, "Martin Conseil"),
            name_key(fr, "Conseil MARTIN")
        );
        assert_eq!(
            name_key(fr, "Lefèvre-Martin Bâtiment"),
            name_key(fr, "Lefevre & Martin Batiment")
        );
        assert_ne!(
            name_key(fr, "Martin Conseil"),
            name_key(fr, "Martin Conseils")
        );
    }

    #[test]
    fn postcodes_keep_the_city_and_the_format() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for country in COUNTRIES {
            for city in country.cities {
                let code = postal_code(&mut rng, country, city);
                assert_eq!(
                    code.len(),
                    city.postal_code.len(),
                    "{code} for {}",
                    city.name
                );
                let prefix = city.postal_code.len().min(3);
                assert_eq!(code[..prefix], city.postal_code[..prefix], "{code}");
            }
        }
    }
}
