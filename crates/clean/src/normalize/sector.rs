//! Activity codes: NAF rév. 2 (France) and NACE rév. 2 (EU), with section and division labels.
//!
//! A NAF code is a NACE class (`62.01`) plus a letter for the French sub-class (`62.01Z`).
//! Codes are read with or without the dot, spaces or a lower-case letter (`6201Z`, `62.01z`,
//! `62 01 Z`, `62.01`) and written `62.01Z`, or `62.01` for NACE codes without the letter. The
//! division (2 digits) must exist; the class and sub-class are not checked against the full
//! nomenclature (732 sub-classes), only their shape. Labels are INSEE's French labels for the
//! 21 sections and 88 divisions. The NAF 2025 revision, in force from 2027, is not covered.

use super::error::{Field, NormalizeError, Reason};
use super::text;

/// The 21 sections: letter and label.
const SECTIONS: [(char, &str); 21] = [
    ('A', "Agriculture, sylviculture et pêche"),
    ('B', "Industries extractives"),
    ('C', "Industrie manufacturière"),
    (
        'D',
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    ),
    (
        'E',
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    ),
    ('F', "Construction"),
    ('G', "Commerce ; réparation d'automobiles et de motocycles"),
    ('H', "Transports et entreposage"),
    ('I', "Hébergement et restauration"),
    ('J', "Information et communication"),
    ('K', "Activités financières et d'assurance"),
    ('L', "Activités immobilières"),
    ('M', "Activités spécialisées, scientifiques et techniques"),
    ('N', "Activités de services administratifs et de soutien"),
    ('O', "Administration publique"),
    ('P', "Enseignement"),
    ('Q', "Santé humaine et action sociale"),
    ('R', "Arts, spectacles et activités récréatives"),
    ('S', "Autres activités de services"),
    (
        'T',
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages en \
         tant que producteurs de biens et services pour usage propre",
    ),
    ('U', "Activités extra-territoriales"),
];

/// The 88 divisions: number, section and label.
const DIVISIONS: [(u8, char, &str); 88] = [
    (
        1,
        'A',
        "Culture et production animale, chasse et services annexes",
    ),
    (2, 'A', "Sylviculture et exploitation forestière"),
    (3, 'A', "Pêche et aquaculture"),
    (5, 'B', "Extraction de houille et de lignite"),
    (6, 'B', "Extraction d'hydrocarbures"),
    (7, 'B', "Extraction de minerais métalliques"),
    (8, 'B', "Autres industries extractives"),
    (9, 'B', "Services de soutien aux industries extractives"),
    (10, 'C', "Industries alimentaires"),
    (11, 'C', "Fabrication de boissons"),
    (12, 'C', "Fabrication de produits à base de tabac"),
    (13, 'C', "Fabrication de textiles"),
    (14, 'C', "Industrie de l'habillement"),
    (15, 'C', "Industrie du cuir et de la chaussure"),
    (
        16,
        'C',
        "Travail du bois et fabrication d'articles en bois et en liège, à l'exception des \
         meubles ; fabrication d'articles en vannerie et sparterie",
    ),
    (17, 'C', "Industrie du papier et du carton"),
    (18, 'C', "Imprimerie et reproduction d'enregistrements"),
    (19, 'C', "Cokéfaction et raffinage"),
    (20, 'C', "Industrie chimique"),
    (21, 'C', "Industrie pharmaceutique"),
    (
        22,
        'C',
        "Fabrication de produits en caoutchouc et en plastique",
    ),
    (
        23,
        'C',
        "Fabrication d'autres produits minéraux non métalliques",
    ),
    (24, 'C', "Métallurgie"),
    (
        25,
        'C',
        "Fabrication de produits métalliques, à l'exception des machines et des équipements",
    ),
    (
        26,
        'C',
        "Fabrication de produits informatiques, électroniques et optiques",
    ),
    (27, 'C', "Fabrication d'équipements électriques"),
    (28, 'C', "Fabrication de machines et équipements n.c.a."),
    (29, 'C', "Industrie automobile"),
    (30, 'C', "Fabrication d'autres matériels de transport"),
    (31, 'C', "Fabrication de meubles"),
    (32, 'C', "Autres industries manufacturières"),
    (
        33,
        'C',
        "Réparation et installation de machines et d'équipements",
    ),
    (
        35,
        'D',
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    ),
    (36, 'E', "Captage, traitement et distribution d'eau"),
    (37, 'E', "Collecte et traitement des eaux usées"),
    (
        38,
        'E',
        "Collecte, traitement et élimination des déchets ; récupération",
    ),
    (
        39,
        'E',
        "Dépollution et autres services de gestion des déchets",
    ),
    (41, 'F', "Construction de bâtiments"),
    (42, 'F', "Génie civil"),
    (43, 'F', "Travaux de construction spécialisés"),
    (
        45,
        'G',
        "Commerce et réparation d'automobiles et de motocycles",
    ),
    (
        46,
        'G',
        "Commerce de gros, à l'exception des automobiles et des motocycles",
    ),
    (
        47,
        'G',
        "Commerce de détail, à l'exception des automobiles et des motocycles",
    ),
    (49, 'H', "Transports terrestres et transport par conduites"),
    (50, 'H', "Transports par eau"),
    (51, 'H', "Transports aériens"),
    (
        52,
        'H',
        "Entreposage et services auxiliaires des transports",
    ),
    (53, 'H', "Activités de poste et de courrier"),
    (55, 'I', "Hébergement"),
    (56, 'I', "Restauration"),
    (58, 'J', "Édition"),
    (
        59,
        'J',
        "Production de films cinématographiques, de vidéo et de programmes de télévision ; \
         enregistrement sonore et édition musicale",
    ),
    (60, 'J', "Programmation et diffusion"),
    (61, 'J', "Télécommunications"),
    (
        62,
        'J',
        "Programmation, conseil et autres activités informatiques",
    ),
    (63, 'J', "Services d'information"),
    (
        64,
        'K',
        "Activités des services financiers, hors assurance et caisses de retraite",
    ),
    (65, 'K', "Assurance"),
    (
        66,
        'K',
        "Activités auxiliaires de services financiers et d'assurance",
    ),
    (68, 'L', "Activités immobilières"),
    (69, 'M', "Activités juridiques et comptables"),
    (70, 'M', "Activités des sièges sociaux ; conseil de gestion"),
    (
        71,
        'M',
        "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques",
    ),
    (72, 'M', "Recherche-développement scientifique"),
    (73, 'M', "Publicité et études de marché"),
    (
        74,
        'M',
        "Autres activités spécialisées, scientifiques et techniques",
    ),
    (75, 'M', "Activités vétérinaires"),
    (77, 'N', "Activités de location et location-bail"),
    (78, 'N', "Activités liées à l'emploi"),
    (
        79,
        'N',
        "Activités des agences de voyage, voyagistes, services de réservation et activités \
         connexes",
    ),
    (80, 'N', "Enquêtes et sécurité"),
    (
        81,
        'N',
        "Services relatifs aux bâtiments et aménagement paysager",
    ),
    (
        82,
        'N',
        "Activités administratives et autres activités de soutien aux entreprises",
    ),
    (
        84,
        'O',
        "Administration publique et défense ; sécurité sociale obligatoire",
    ),
    (85, 'P', "Enseignement"),
    (86, 'Q', "Activités pour la santé humaine"),
    (87, 'Q', "Hébergement médico-social et social"),
    (88, 'Q', "Action sociale sans hébergement"),
    (90, 'R', "Activités créatives, artistiques et de spectacle"),
    (
        91,
        'R',
        "Bibliothèques, archives, musées et autres activités culturelles",
    ),
    (92, 'R', "Organisation de jeux de hasard et d'argent"),
    (93, 'R', "Activités sportives, récréatives et de loisirs"),
    (94, 'S', "Activités des organisations associatives"),
    (
        95,
        'S',
        "Réparation d'ordinateurs et de biens personnels et domestiques",
    ),
    (96, 'S', "Autres services personnels"),
    (
        97,
        'T',
        "Activités des ménages en tant qu'employeurs de personnel domestique",
    ),
    (
        98,
        'T',
        "Activités indifférenciées des ménages en tant que producteurs de biens et services pour \
         usage propre",
    ),
    (
        99,
        'U',
        "Activités des organisations et organismes extraterritoriaux",
    ),
];

fn division_entry(division: u8) -> Option<&'static (u8, char, &'static str)> {
    DIVISIONS.iter().find(|(d, _, _)| *d == division)
}

/// The French label of a section, by its letter (`'J'`).
pub fn section_label(section: char) -> Option<&'static str> {
    SECTIONS
        .iter()
        .find(|(s, _)| *s == section.to_ascii_uppercase())
        .map(|(_, label)| *label)
}

/// The French label of a division, by its number (`62`).
pub fn division_label(division: u8) -> Option<&'static str> {
    division_entry(division).map(|(_, _, label)| *label)
}

/// The section a division belongs to (`62` → `'J'`).
pub fn section_of_division(division: u8) -> Option<char> {
    division_entry(division).map(|(_, s, _)| *s)
}

/// A NAF rév. 2 or NACE rév. 2 code, normalized.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NafCode {
    /// `62.01Z`, or `62.01` for a NACE code without the French letter.
    pub code: String,
    /// The division, the first two digits: `62`.
    pub division: u8,
    /// The section letter: `J`.
    pub section: char,
}

impl NafCode {
    /// The division's French label.
    pub fn division_label(&self) -> &'static str {
        division_label(self.division).unwrap_or_default()
    }

    /// The section's French label.
    pub fn section_label(&self) -> &'static str {
        section_label(self.section).unwrap_or_default()
    }

    /// The division as two digits: `"62"`, `"01"`.
    pub fn division_code(&self) -> &str {
        &self.code[..2]
    }

    /// Whether the code has the French sub-class letter (NAF) or not (NACE).
    pub fn has_subclass(&self) -> bool {
        self.code.len() == 6
    }
}

/// Normalizes a NAF or NACE code.
///
/// ```
/// use cible_clean::normalize::sector::normalize_naf;
/// let naf = normalize_naf("6201z").unwrap();
/// assert_eq!(naf.code, "62.01Z");
/// assert_eq!(naf.section, 'J');
/// assert_eq!(naf.division_label(), "Programmation, conseil et autres activités informatiques");
/// assert_eq!(naf.section_label(), "Information et communication");
/// assert_eq!(normalize_naf("62.01").unwrap().code, "62.01");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidFormat`] (not 4 digits and an optional letter, such as
/// NAF rév. 1 codes like `721Z`), [`Reason::UnknownNafDivision`].
pub fn normalize_naf(raw: &str) -> Result<NafCode, NormalizeError> {
    let err = |r| NormalizeError::new(Field::NafCode, raw, r);
    let compact: String = text::clean(raw)
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.is_empty() {
        return Err(err(Reason::Empty));
    }
    let b = compact.as_bytes();
    let shape_ok = (b.len() == 4 || (b.len() == 5 && b[4].is_ascii_uppercase()))
        && b[..4].iter().all(u8::is_ascii_digit);
    if !shape_ok {
        return Err(err(Reason::InvalidFormat {
            expected: "4 digits and an optional letter, as in 62.01Z",
        }));
    }
    let division = (b[0] - b'0') * 10 + (b[1] - b'0');
    let section = section_of_division(division).ok_or_else(|| {
        err(Reason::UnknownNafDivision {
            division: compact[..2].to_owned(),
        })
    })?;
    Ok(NafCode {
        code: format!("{}.{}", &compact[..2], &compact[2..]),
        division,
        section,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        for raw in [
            "6201Z", "62.01Z", "62.01z", "62.01 Z", "62 01 Z", " 6201z ", "62-01Z",
        ] {
            assert_eq!(normalize_naf(raw).unwrap().code, "62.01Z", "{raw:?}");
        }
    }

    #[test]
    fn nace_codes_without_the_letter() {
        let nace = normalize_naf("6201").unwrap();
        assert_eq!(nace.code, "62.01");
        assert!(!nace.has_subclass());
        assert!(normalize_naf("62.01Z").unwrap().has_subclass());
        assert_eq!(normalize_naf("62.01").unwrap().code, "62.01");
    }

    #[test]
    fn leading_zero_divisions() {
        let naf = normalize_naf("01.11Z").unwrap();
        assert_eq!(naf.division, 1);
        assert_eq!(naf.division_code(), "01");
        assert_eq!(naf.section, 'A');
        assert_eq!(
            naf.division_label(),
            "Culture et production animale, chasse et services annexes"
        );
    }

    #[test]
    fn sections_follow_division_ranges() {
        for (code, section) in [
            ("0510Z", 'B'),
            ("1071C", 'C'),
            ("3511Z", 'D'),
            ("3811Z", 'E'),
            ("4120A", 'F'),
            ("4711D", 'G'),
            ("4941A", 'H'),
            ("5610A", 'I'),
            ("6202A", 'J'),
            ("6419Z", 'K'),
            ("6820B", 'L'),
            ("7022Z", 'M'),
            ("7820Z", 'N'),
            ("8411Z", 'O'),
            ("8559A", 'P'),
            ("8610Z", 'Q'),
            ("9312Z", 'R'),
            ("9499Z", 'S'),
            ("9700Z", 'T'),
            ("9900Z", 'U'),
        ] {
            assert_eq!(normalize_naf(code).unwrap().section, section, "{code}");
        }
    }

    #[test]
    fn every_division_has_a_known_section_and_a_label() {
        assert_eq!(DIVISIONS.len(), 88);
        assert!(DIVISIONS.windows(2).all(|w| w[0].0 < w[1].0));
        for (division, section, label) in DIVISIONS {
            assert!(section_label(section).is_some(), "{division}");
            assert!(!label.is_empty());
        }
        for (section, _) in SECTIONS {
            assert!(DIVISIONS.iter().any(|(_, s, _)| *s == section), "{section}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(section_label('j'), Some("Information et communication"));
        assert_eq!(section_label('V'), None);
        assert_eq!(
            division_label(47),
            Some("Commerce de détail, à l'exception des automobiles et des motocycles")
        );
        assert_eq!(division_label(4), None);
        assert_eq!(section_of_division(35), Some('D'));
    }

    #[test]
    fn unknown_division() {
        assert_eq!(
            normalize_naf("04.11Z").unwrap_err().to_string(),
            "cannot normalize NAF code \"04.11Z\": no NAF/NACE division 04"
        );
        assert_eq!(
            normalize_naf("0000Z").unwrap_err().reason,
            Reason::UnknownNafDivision {
                division: "00".into()
            }
        );
    }

    #[test]
    fn bad_shapes() {
        for raw in ["721Z", "62.01ZZ", "62", "A620", "62.011"] {
            assert_eq!(
                normalize_naf(raw).unwrap_err().reason,
                Reason::InvalidFormat {
                    expected: "4 digits and an optional letter, as in 62.01Z"
                },
                "{raw}"
            );
        }
        assert_eq!(
            normalize_naf("721Z").unwrap_err().to_string(),
            "cannot normalize NAF code \"721Z\": expected 4 digits and an optional letter, as in 62.01Z"
        );
        assert_eq!(normalize_naf("  ").unwrap_err().reason, Reason::Empty);
    }
}
