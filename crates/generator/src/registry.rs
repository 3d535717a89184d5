//! Registry numbers and record identifiers.
//!
//! SIREN and SIRET numbers follow the French registry's rule: the digits pass the Luhn check.
//! Record ids are made by a keyed bijection of (account index, record index), so they are
//! unique, look random, and do not depend on how many records other accounts have (which lets
//! accounts be generated in parallel).

use rand::Rng;

pub use cible_clean::normalize::registry::luhn_valid;

/// Appends the Luhn check digit that makes `payload` + digit valid.
fn push_luhn_digit(payload: &mut String) {
    for d in b'0'..=b'9' {
        payload.push(char::from(d));
        if luhn_valid(payload) {
            return;
        }
        payload.pop();
    }
    unreachable!("one of ten check digits always completes a Luhn number");
}

/// A random SIREN: 9 digits, the first not zero, passing the Luhn check.
pub(crate) fn siren(rng: &mut impl Rng) -> String {
    let mut s = String::with_capacity(14);
    s.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 0..7 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    push_luhn_digit(&mut s);
    s
}

/// A SIRET of the establishment numbered `establishment` (1 = head office) of `siren`: the
/// SIREN, a 5-digit NIC, the 14 digits passing the Luhn check.
pub(crate) fn siret(siren: &str, establishment: u32) -> String {
    let mut s = String::with_capacity(14);
    s.push_str(siren);
    s.push_str(&format!("{:04}", establishment % 10_000));
    push_luhn_digit(&mut s);
    s
}

/// A keyed bijection on `bits`-bit integers: multiply by odd constants and xor-shift, steps
/// that are each invertible modulo 2^bits.
fn permute(x: u64, bits: u32, key: u64) -> u64 {
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let mut x = (x ^ key) & mask;
    for k in [
        0x9E37_79B9_7F4A_7C15u64,
        0xBF58_476D_1CE4_E5B9,
        0x94D0_49BB_1331_11EB,
    ] {
        x = x.wrapping_mul(k) & mask;
        x ^= x >> (bits / 2 + 1);
        x = (x ^ (key.rotate_left(17) & mask)) & mask;
    }
    x
}

/// The kinds of records that get ids.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdKind {
    Account,
    Contact,
    Order,
    Event,
}

/// Makes record ids for one data set (one seed).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    key: u64,
}

/// Bits of the account index in every id domain (50 million accounts fit in 26 bits).
const ACCOUNT_BITS: u32 = 26;
/// Bits of the per-account index of contacts, orders and events.
pub(crate) const CONTACT_SLOTS: u64 = 1 << 7;
pub(crate) const ORDER_SLOTS: u64 = 1 << 13;
pub(crate) const EVENT_SLOTS: u64 = 1 << 20;

impl Ids {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            key: seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5DEE_CE66_D1CE_4E5B,
        }
    }

    fn key(&self, kind: IdKind) -> u64 {
        self.key.rotate_left(kind as u32 * 13 + 1)
    }

    /// The id of account `index`, or of its duplicate record.
    pub(crate) fn account(&self, index: usize, duplicate: bool) -> String {
        let x = index as u64 | (u64::from(duplicate) << ACCOUNT_BITS);
        format!(
            "CPT{:09}",
            permute(x, ACCOUNT_BITS + 1, self.key(IdKind::Account))
        )
    }

    /// The id of contact `slot` of account `index`.
    pub(crate) fn contact(&self, index: usize, slot: u64) -> String {
        let x = ((index as u64) << 7) | (slot % CONTACT_SLOTS);
        format!(
            "CT{:011}",
            permute(x, ACCOUNT_BITS + 7, self.key(IdKind::Contact))
        )
    }

    /// The id of order `slot` of account `index`.
    pub(crate) fn order(&self, index: usize, slot: u64) -> String {
        let x = ((index as u64) << 13) | (slot % ORDER_SLOTS);
        format!(
            "CMD{:012}",
            permute(x, ACCOUNT_BITS + 13, self.key(IdKind::Order))
        )
    }

    /// The id of event `slot` of account `index`.
    pub(crate) fn event(&self, index: usize, slot: u64) -> String {
        let x = ((index as u64) << 20) | (slot % EVENT_SLOTS);
        format!(
            "evt_{:012x}",
            permute(x, ACCOUNT_BITS + 20, self.key(IdKind::Event))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashSet;

    #[test]
    fn known_siren_numbers_pass_luhn() {
        // Real SIRENs (public registry) and a real SIRET.
        for s in ["552100554", "542107651", "73282932000074"] {
            assert!(luhn_valid(s), "{s}");
        }
        assert!(!luhn_valid("552100555"));
        assert!(!luhn_valid("55210055a"));
        assert!(!luhn_valid(""));
    }

    #[test]
    fn generated_siren_and_siret_pass_luhn() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for i in 0..1000 {
            let s = siren(&mut rng);
            assert_eq!(s.len(), 9);
            assert!(luhn_valid(&s), "{s}");
            let t = siret(&s, i % 40 + 1);
            assert_eq!(t.len(), 14);
            assert!(t.starts_with(&s));
            assert!(luhn_valid(&t), "{t}");
        }
    }

    #[test]
    fn ids_are_unique_per_kind() {
        let ids = Ids::new(42);
        let mut accounts = HashSet::new();
        let mut contacts = HashSet::new();
        let mut events = HashSet::new();
        for i in 0..3000 {
            assert!(accounts.insert(ids.account(i, false)));
            assert!(accounts.insert(ids.account(i, true)));
            for j in 0..5 {
                assert!(contacts.insert(ids.contact(i, j)));
                assert!(events.insert(ids.event(i, j)));
            }
        }
        assert_eq!(ids.order(7, 3), Ids::new(42).order(7, 3));
        assert_ne!(ids.order(7, 3), Ids::new(43).order(7, 3));
    }
}
