//! Decision roles and seniority from job titles written in French or English.
//!
//! CRMs hold titles as people type them: `DAF`, `Directrice administrative et financière`,
//! `CFO`, `Resp. informatique`. A title is folded (lower case, no accents, words split on
//! punctuation) and matched against keyword lists, most specific first, so that
//! `Directeur des systèmes d'information` is IT rather than executive and
//! `Directeur général` is executive. A title that matches nothing has no role; it still has a
//! seniority (staff by default).

use cible_core::text::fold_key;

/// The business function a contact works in, as far as buying decisions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Finance and accounting: DAF, CFO, contrôleur de gestion, comptable.
    Finance,
    /// Information technology: DSI, CTO, responsable informatique, IT manager.
    It,
    /// Purchasing: achats, acheteur, procurement, buyer.
    Procurement,
    /// General management: PDG, directeur général, gérant, CEO, managing director.
    Executive,
    /// Operations: production, logistics, supply chain, COO.
    Operations,
    /// Marketing and communication: CMO, directrice marketing, chargée de communication.
    Marketing,
}

impl Role {
    /// Every role, in the order of the feature catalogue.
    pub const ALL: [Role; 6] = [
        Role::Finance,
        Role::It,
        Role::Procurement,
        Role::Executive,
        Role::Operations,
        Role::Marketing,
    ];

    /// The role's name in feature names (`role_finance`, `contacts_it`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Finance => "finance",
            Role::It => "it",
            Role::Procurement => "procurement",
            Role::Executive => "executive",
            Role::Operations => "operations",
            Role::Marketing => "marketing",
        }
    }

    /// A few words for the catalogue.
    pub fn label(self) -> &'static str {
        match self {
            Role::Finance => "finance (DAF, CFO, contrôle de gestion, comptabilité)",
            Role::It => "IT (DSI, CTO, responsable informatique)",
            Role::Procurement => "procurement (achats, acheteur, purchasing)",
            Role::Executive => "general management (PDG, DG, gérant, CEO)",
            Role::Operations => "operations (production, logistique, COO)",
            Role::Marketing => "marketing and communication (CMO, marketing)",
        }
    }
}

/// How senior a contact is: who signs, who recommends, who uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seniority {
    /// Individual contributors and assistants.
    Staff = 0,
    /// Managers and heads of a team: responsable, manager, chef.
    Manager = 1,
    /// Directors of a function: directeur, directrice, director, head of, VP, DAF, DSI.
    Director = 2,
    /// Chief officers, owners and general managers: PDG, CEO, CFO, gérant.
    Executive = 3,
}

impl Seniority {
    /// The level's name.
    pub fn name(self) -> &'static str {
        match self {
            Seniority::Staff => "staff",
            Seniority::Manager => "manager",
            Seniority::Director => "director",
            Seniority::Executive => "executive",
        }
    }
}

/// General management, both a role and the executive level.
const GENERAL_MANAGEMENT: &[&str] = &[
    "pdg",
    "ceo",
    "dg",
    "directeur general",
    "directrice generale",
    "direction generale",
    "president*",
    "gerant",
    "gerante",
    "managing director",
    "general manager",
    "founder",
    "fondateur",
    "fondatrice",
    "owner",
];

/// Chief officers of a function: executive level, role from the function.
const CHIEF_OFFICERS: &[&str] = &["cfo", "cto", "cio", "coo", "cmo", "ciso", "chief"];

/// Keywords per role, tried in this order: specific functions before general management, so
/// that a "directeur financier" is finance, not executive. A keyword of several words matches
/// those words in sequence; a keyword ending in `*` matches any word it starts.
const ROLE_KEYWORDS: &[(Role, &[&str])] = &[
    (
        Role::Finance,
        &[
            "daf",
            "cfo",
            "financ*",
            "comptab*",
            "controle de gestion",
            "controleur de gestion",
            "controleuse de gestion",
            "controller",
            "tresor*",
            "treasurer",
            "accounting",
            "accountant",
        ],
    ),
    (
        Role::It,
        &[
            "dsi",
            "cto",
            "cio",
            "rssi",
            "ciso",
            "informatique",
            "systemes d information",
            "systemes et reseaux",
            "it",
            "information technology",
            "infrastructure",
            "devops",
            "developpeur",
            "developer",
        ],
    ),
    (
        Role::Procurement,
        &[
            "achat*",
            "acheteur",
            "acheteuse",
            "procurement",
            "purchasing",
            "buyer",
            "approvisionnement*",
        ],
    ),
    (
        Role::Operations,
        &[
            "coo",
            "operations",
            "operation",
            "logistique",
            "logistics",
            "production",
            "supply chain",
            "exploitation",
            "usine",
            "plant manager",
        ],
    ),
    (
        Role::Marketing,
        &["cmo", "marketing", "communication", "brand", "growth"],
    ),
    (Role::Executive, GENERAL_MANAGEMENT),
];

/// Keywords per seniority, highest first.
const SENIORITY_KEYWORDS: &[(Seniority, &[&str])] = &[
    (Seniority::Executive, GENERAL_MANAGEMENT),
    (Seniority::Executive, CHIEF_OFFICERS),
    (
        Seniority::Staff,
        // Titles that contain a manager word but are not managers.
        &["office manager", "assistant*"],
    ),
    (
        Seniority::Director,
        &[
            "directeur",
            "directrice",
            "director",
            "head",
            "vp",
            "vice president",
            "daf",
            "dsi",
            "drh",
            "rssi",
        ],
    ),
    (
        Seniority::Manager,
        &[
            "responsable",
            "resp",
            "manager",
            "chef",
            "lead",
            "superviseur",
        ],
    ),
];

/// Whether `keyword` occurs in the folded, space-separated `words`.
fn contains(words: &[&str], keyword: &str) -> bool {
    let parts: Vec<&str> = keyword.split(' ').collect();
    let word_matches = |word: &str, part: &str| match part.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == part,
    };
    words.windows(parts.len()).any(|window| {
        window
            .iter()
            .zip(&parts)
            .all(|(word, part)| word_matches(word, part))
    })
}

/// The first entry of `table` one of whose keywords occurs in `title`.
fn first_match<T: Copy>(table: &[(T, &[&str])], title: &str) -> Option<T> {
    let folded = fold_key(title, ' ');
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    table
        .iter()
        .find(|(_, keywords)| keywords.iter().any(|k| contains(&words, k)))
        .map(|(value, _)| *value)
}

/// The role a job title names, if any.
pub fn role_of(title: &str) -> Option<Role> {
    first_match(ROLE_KEYWORDS, title)
}

/// The seniority a job title implies; staff when nothing says otherwise.
pub fn seniority_of(title: &str) -> Seniority {
    first_match(SENIORITY_KEYWORDS, title).unwrap_or(Seniority::Staff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_titles_get_their_role() {
        let cases = [
            ("DAF", Some(Role::Finance)),
            (
                "Directrice administrative et financière",
                Some(Role::Finance),
            ),
            ("Contrôleuse de gestion", Some(Role::Finance)),
            ("CFO", Some(Role::Finance)),
            ("Head of Accounting", Some(Role::Finance)),
            ("DSI", Some(Role::It)),
            ("Directeur des systèmes d'information", Some(Role::It)),
            ("Resp. informatique", Some(Role::It)),
            ("IT Manager", Some(Role::It)),
            ("Responsable achats", Some(Role::Procurement)),
            ("Acheteuse", Some(Role::Procurement)),
            ("Procurement Manager", Some(Role::Procurement)),
            ("PDG", Some(Role::Executive)),
            ("Président-directeur général", Some(Role::Executive)),
            ("Gérante", Some(Role::Executive)),
            ("Managing Director", Some(Role::Executive)),
            ("Directrice de production", Some(Role::Operations)),
            ("COO", Some(Role::Operations)),
            ("Responsable logistique", Some(Role::Operations)),
            ("Chargée de communication", Some(Role::Marketing)),
            ("CMO", Some(Role::Marketing)),
            ("Commercial", None),
            ("Key Account Manager", None),
            ("Assistante de direction", None),
            ("", None),
        ];
        for (title, role) in cases {
            assert_eq!(role_of(title), role, "{title}");
        }
    }

    #[test]
    fn seniority_reads_the_level_not_the_function() {
        let cases = [
            ("PDG", Seniority::Executive),
            ("CFO", Seniority::Executive),
            ("Chief Revenue Officer", Seniority::Executive),
            ("DAF", Seniority::Director),
            ("Directrice marketing", Seniority::Director),
            ("VP Sales", Seniority::Director),
            ("Responsable comptable", Seniority::Manager),
            ("IT Manager", Seniority::Manager),
            ("Office Manager", Seniority::Staff),
            ("Assistante de direction", Seniority::Staff),
            ("Acheteur", Seniority::Staff),
            ("", Seniority::Staff),
        ];
        for (title, level) in cases {
            assert_eq!(seniority_of(title), level, "{title}");
        }
    }

    #[test]
    fn words_match_whole_or_by_prefix_never_inside_another_word() {
        // "it" is a word of "IT Manager" but not of "Responsable digital".
        assert_eq!(role_of("Responsable digital"), None);
        assert!(contains(&["achats", "groupe"], "achat*"));
        assert!(!contains(&["rachat"], "achat*"));
        assert!(contains(
            &["systemes", "d", "information"],
            "systemes d information"
        ));
    }
}
