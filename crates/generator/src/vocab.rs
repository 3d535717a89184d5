//! Reference vocabulary of the demo world: places, sectors, names, job titles and products.
//!
//! Everything here is static data; the choices are made in `world.rs`.

/// A city with its postal code and region.
pub(crate) struct City {
    pub name: &'static str,
    pub postal_code: &'static str,
    pub region: &'static str,
    /// Relative weight among the cities of its country.
    pub weight: u32,
}

const fn city(
    name: &'static str,
    postal_code: &'static str,
    region: &'static str,
    weight: u32,
) -> City {
    City {
        name,
        postal_code,
        region,
        weight,
    }
}

/// Which name pool a contact's names come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamePool {
    French,
    English,
    German,
    Spanish,
    Italian,
    Dutch,
}

/// A country of the demo world.
pub(crate) struct Country {
    /// ISO 3166 code, used for phone formats and web domains.
    pub code: &'static str,
    /// The name a French CRM writes.
    pub name_fr: &'static str,
    /// ISO 4217 currency.
    pub currency: &'static str,
    /// Price of one euro in this currency (for orders).
    pub per_euro: f64,
    /// Legal forms with weights.
    pub legal_forms: &'static [(&'static str, u32)],
    pub cities: &'static [City],
    /// Top-level domain of company web sites.
    pub tld: &'static str,
    /// Name pools of contacts, with weights.
    pub names: &'static [(NamePool, u32)],
    /// Words that make company names (activity words in the local language).
    pub business_words: &'static [&'static str],
    /// Relative weight of the country among accounts.
    pub weight: u32,
}

/// France first: its weight is 80% of the total.
pub(crate) const COUNTRIES: &[Country] = &[
    Country {
        code: "FR",
        name_fr: "France",
        currency: "EUR",
        per_euro: 1.0,
        legal_forms: &[
            ("SAS", 35),
            ("SARL", 25),
            ("SA", 10),
            ("SASU", 12),
            ("EURL", 8),
            ("SNC", 3),
        ],
        cities: FRENCH_CITIES,
        tld: "fr",
        names: &[(NamePool::French, 95), (NamePool::English, 5)],
        business_words: &[],
        weight: 800,
    },
    Country {
        code: "BE",
        name_fr: "Belgique",
        currency: "EUR",
        per_euro: 1.0,
        legal_forms: &[("SA", 3), ("SRL", 4), ("NV", 3), ("BV", 3), ("SA/NV", 2)],
        cities: &[
            city("Bruxelles", "1000", "Bruxelles-Capitale", 5),
            city("Anvers", "2000", "Flandre", 3),
            city("Gand", "9000", "Flandre", 2),
            city("Liège", "4000", "Wallonie", 2),
            city("Namur", "5000", "Wallonie", 1),
        ],
        tld: "be",
        names: &[(NamePool::French, 55), (NamePool::Dutch, 45)],
        business_words: &[
            "Services",
            "Logistique",
            "Techniek",
            "Bouw",
            "Conseil",
            "Industrie",
        ],
        weight: 40,
    },
    Country {
        code: "DE",
        name_fr: "Allemagne",
        currency: "EUR",
        per_euro: 1.0,
        legal_forms: &[("GmbH", 8), ("AG", 2), ("GmbH & Co. KG", 2)],
        cities: &[
            city("Berlin", "10115", "Berlin", 4),
            city("München", "80331", "Bayern", 3),
            city("Hamburg", "20095", "Hamburg", 3),
            city("Frankfurt am Main", "60311", "Hessen", 2),
            city("Köln", "50667", "Nordrhein-Westfalen", 2),
            city("Stuttgart", "70173", "Baden-Württemberg", 2),
            city("Düsseldorf", "40213", "Nordrhein-Westfalen", 1),
        ],
        tld: "de",
        names: &[(NamePool::German, 100)],
        business_words: &[
            "Logistik",
            "Maschinenbau",
            "Technik",
            "Software",
            "Handel",
            "Bau",
            "Consulting",
        ],
        weight: 40,
    },
    Country {
        code: "UK",
        name_fr: "Royaume-Uni",
        currency: "GBP",
        per_euro: 0.86,
        legal_forms: &[("Ltd", 8), ("PLC", 1), ("LLP", 1)],
        cities: &[
            city("London", "EC1A 1BB", "England", 5),
            city("Manchester", "M1 1AE", "England", 2),
            city("Birmingham", "B1 1AA", "England", 2),
            city("Leeds", "LS1 1UR", "England", 1),
            city("Edinburgh", "EH1 1YZ", "Scotland", 1),
            city("Bristol", "BS1 4DJ", "England", 1),
        ],
        tld: "co.uk",
        names: &[(NamePool::English, 100)],
        business_words: &[
            "Engineering",
            "Logistics",
            "Solutions",
            "Software",
            "Trading",
            "Consulting",
        ],
        weight: 40,
    },
    Country {
        code: "ES",
        name_fr: "Espagne",
        currency: "EUR",
        per_euro: 1.0,
        legal_forms: &[("SL", 7), ("SA", 3)],
        cities: &[
            city("Madrid", "28001", "Comunidad de Madrid", 4),
            city("Barcelona", "08001", "Cataluña", 3),
            city("Valencia", "46001", "Comunitat Valenciana", 2),
            city("Sevilla", "41001", "Andalucía", 1),
            city("Bilbao", "48001", "País Vasco", 1),
        ],
        tld: "es",
        names: &[(NamePool::Spanish, 100)],
        business_words: &[
            "Construcciones",
            "Logística",
            "Ingeniería",
            "Distribuciones",
            "Consultores",
        ],
        weight: 30,
    },
    Country {
        code: "IT",
        name_fr: "Italie",
        currency: "EUR",
        per_euro: 1.0,
        legal_forms: &[("SpA", 4), ("Srl", 6)],
        cities: &[
            city("Milano", "20121", "Lombardia", 4),
            city("Roma", "00184", "Lazio", 3),
            city("Torino", "10121", "Piemonte", 2),
            city("Bologna", "40121", "Emilia-Romagna", 1),
            city("Napoli", "80133", "Campania", 1),
        ],
        tld: "it",
        names: &[(NamePool::Italian, 100)],
        business_words: &[
            "Meccanica",
            "Logistica",
            "Costruzioni",
            "Informatica",
            "Servizi",
        ],
        weight: 30,
    },
    Country {
        code: "NL",
        name_fr: "Pays-Bas",
        currency: "EUR",
        per_euro: 1.0,
        legal_forms: &[("BV", 8), ("NV", 2)],
        cities: &[
            city("Amsterdam", "1012 AB", "Noord-Holland", 3),
            city("Rotterdam", "3011 AD", "Zuid-Holland", 2),
            city("Utrecht", "3511 AA", "Utrecht", 1),
            city("Eindhoven", "5611 AA", "Noord-Brabant", 1),
            city("Den Haag", "2511 AA", "Zuid-Holland", 1),
        ],
        tld: "nl",
        names: &[(NamePool::Dutch, 100)],
        business_words: &["Techniek", "Logistiek", "Bouw", "Software", "Handel"],
        weight: 15,
    },
    Country {
        code: "CH",
        name_fr: "Suisse",
        currency: "CHF",
        per_euro: 0.95,
        legal_forms: &[("AG", 4), ("SA", 3), ("GmbH", 2), ("Sàrl", 1)],
        cities: &[
            city("Zürich", "8001", "Zürich", 3),
            city("Genève", "1201", "Genève", 3),
            city("Lausanne", "1003", "Vaud", 2),
            city("Bâle", "4051", "Bâle-Ville", 1),
            city("Berne", "3011", "Berne", 1),
        ],
        tld: "ch",
        names: &[(NamePool::French, 50), (NamePool::German, 50)],
        business_words: &["Technique", "Precision", "Solutions", "Logistik", "Conseil"],
        weight: 5,
    },
];

const FRENCH_CITIES: &[City] = &[
    city("Paris", "75008", "Île-de-France", 14),
    city("Paris", "75011", "Île-de-France", 8),
    city("Paris", "75015", "Île-de-France", 6),
    city("Boulogne-Billancourt", "92100", "Île-de-France", 4),
    city("Nanterre", "92000", "Île-de-France", 3),
    city("Saint-Denis", "93200", "Île-de-France", 2),
    city("Versailles", "78000", "Île-de-France", 2),
    city("Créteil", "94000", "Île-de-France", 2),
    city("Massy", "91300", "Île-de-France", 2),
    city("Lyon", "69003", "Auvergne-Rhône-Alpes", 7),
    city("Villeurbanne", "69100", "Auvergne-Rhône-Alpes", 2),
    city("Grenoble", "38000", "Auvergne-Rhône-Alpes", 3),
    city("Saint-Étienne", "42000", "Auvergne-Rhône-Alpes", 2),
    city("Clermont-Ferrand", "63000", "Auvergne-Rhône-Alpes", 2),
    city("Annecy", "74000", "Auvergne-Rhône-Alpes", 1),
    city("Marseille", "13002", "Provence-Alpes-Côte d'Azur", 5),
    city("Nice", "06000", "Provence-Alpes-Côte d'Azur", 3),
    city("Toulon", "83000", "Provence-Alpes-Côte d'Azur", 1),
    city("Aix-en-Provence", "13100", "Provence-Alpes-Côte d'Azur", 2),
    city("Toulouse", "31000", "Occitanie", 5),
    city("Montpellier", "34000", "Occitanie", 3),
    city("Nîmes", "30000", "Occitanie", 1),
    city("Perpignan", "66000", "Occitanie", 1),
    city("Bordeaux", "33000", "Nouvelle-Aquitaine", 4),
    city("Limoges", "87000", "Nouvelle-Aquitaine", 1),
    city("Poitiers", "86000", "Nouvelle-Aquitaine", 1),
    city("La Rochelle", "17000", "Nouvelle-Aquitaine", 1),
    city("Nantes", "44000", "Pays de la Loire", 4),
    city("Angers", "49000", "Pays de la Loire", 2),
    city("Le Mans", "72000", "Pays de la Loire", 1),
    city("Rennes", "35000", "Bretagne", 3),
    city("Brest", "29200", "Bretagne", 1),
    city("Lorient", "56100", "Bretagne", 1),
    city("Lille", "59000", "Hauts-de-France", 4),
    city("Amiens", "80000", "Hauts-de-France", 1),
    city("Roubaix", "59100", "Hauts-de-France", 1),
    city("Strasbourg", "67000", "Grand Est", 3),
    city("Reims", "51100", "Grand Est", 1),
    city("Metz", "57000", "Grand Est", 1),
    city("Nancy", "54000", "Grand Est", 1),
    city("Mulhouse", "68100", "Grand Est", 1),
    city("Dijon", "21000", "Bourgogne-Franche-Comté", 2),
    city("Besançon", "25000", "Bourgogne-Franche-Comté", 1),
    city("Orléans", "45000", "Centre-Val de Loire", 1),
    city("Tours", "37000", "Centre-Val de Loire", 2),
    city("Rouen", "76000", "Normandie", 2),
    city("Caen", "14000", "Normandie", 1),
    city("Le Havre", "76600", "Normandie", 1),
    city("Ajaccio", "20000", "Corse", 1),
];

/// A NAF rev. 2 sector with its official French label and words for company names.
pub(crate) struct Sector {
    pub code: &'static str,
    pub label: &'static str,
    pub words: &'static [&'static str],
    /// Revenue per employee relative to the average.
    pub productivity: f64,
}

const fn sector(
    code: &'static str,
    label: &'static str,
    words: &'static [&'static str],
    productivity: f64,
) -> Sector {
    Sector {
        code,
        label,
        words,
        productivity,
    }
}

pub(crate) const SECTORS: &[Sector] = &[
    sector(
        "62.01Z",
        "Programmation informatique",
        &["Informatique", "Logiciels", "Digital"],
        1.1,
    ),
    sector(
        "62.02A",
        "Conseil en systèmes et logiciels informatiques",
        &["Conseil IT", "Systèmes", "Numérique"],
        1.1,
    ),
    sector(
        "62.03Z",
        "Gestion d'installations informatiques",
        &["Infogérance", "Réseaux"],
        1.0,
    ),
    sector(
        "63.11Z",
        "Traitement de données, hébergement et activités connexes",
        &["Data", "Hébergement", "Cloud"],
        1.4,
    ),
    sector(
        "58.29C",
        "Édition de logiciels applicatifs",
        &["Software", "Éditions Logicielles"],
        1.5,
    ),
    sector(
        "70.22Z",
        "Conseil pour les affaires et autres conseils de gestion",
        &["Conseil", "Stratégie", "Partenaires"],
        1.0,
    ),
    sector(
        "69.20Z",
        "Activités comptables",
        &["Expertise Comptable", "Audit", "Fiduciaire"],
        0.8,
    ),
    sector("69.10Z", "Activités juridiques", &["Avocats", "Juris"], 1.0),
    sector(
        "71.12B",
        "Ingénierie, études techniques",
        &["Ingénierie", "Études Techniques", "Bureau d'Études"],
        1.0,
    ),
    sector(
        "73.11Z",
        "Activités des agences de publicité",
        &["Communication", "Publicité", "Création"],
        0.9,
    ),
    sector(
        "46.69B",
        "Commerce de gros (commerce interentreprises) de fournitures et équipements industriels divers",
        &["Fournitures Industrielles", "Équipements", "Distribution"],
        2.5,
    ),
    sector(
        "46.51Z",
        "Commerce de gros (commerce interentreprises) d'ordinateurs, d'équipements informatiques périphériques et de logiciels",
        &["Informatique Distribution", "Micro"],
        3.0,
    ),
    sector(
        "46.90Z",
        "Commerce de gros (commerce interentreprises) non spécialisé",
        &["Négoce", "Distribution"],
        2.8,
    ),
    sector("47.11D", "Supermarchés", &["Alimentation", "Market"], 2.0),
    sector(
        "25.62B",
        "Mécanique industrielle",
        &["Mécanique", "Usinage", "Précision"],
        0.9,
    ),
    sector(
        "28.29B",
        "Fabrication d'autres machines d'usage général",
        &["Machines", "Industrie"],
        1.2,
    ),
    sector(
        "22.22Z",
        "Fabrication d'emballages en matières plastiques",
        &["Emballages", "Plasturgie"],
        1.3,
    ),
    sector(
        "10.71C",
        "Boulangerie et boulangerie-pâtisserie",
        &["Boulangerie", "Fournil", "Pâtisserie"],
        0.5,
    ),
    sector(
        "10.13A",
        "Préparation industrielle de produits à base de viande",
        &["Salaisons", "Charcuterie"],
        1.6,
    ),
    sector(
        "11.02B",
        "Vinification",
        &["Vignobles", "Domaine", "Caves"],
        1.3,
    ),
    sector(
        "20.59Z",
        "Fabrication d'autres produits chimiques n.c.a.",
        &["Chimie", "Laboratoires"],
        1.8,
    ),
    sector(
        "21.20Z",
        "Fabrication de préparations pharmaceutiques",
        &["Pharma", "Laboratoires"],
        2.2,
    ),
    sector(
        "41.20A",
        "Construction de maisons individuelles",
        &["Constructions", "Maisons", "Habitat"],
        1.0,
    ),
    sector(
        "43.21A",
        "Travaux d'installation électrique dans tous locaux",
        &["Électricité", "Élec"],
        0.8,
    ),
    sector(
        "43.22A",
        "Travaux d'installation d'eau et de gaz en tous locaux",
        &["Plomberie", "Chauffage", "Thermique"],
        0.8,
    ),
    sector(
        "49.41A",
        "Transports routiers de fret interurbains",
        &["Transports", "Logistique", "Express"],
        0.9,
    ),
    sector(
        "52.10B",
        "Entreposage et stockage non frigorifique",
        &["Entrepôts", "Stockage", "Logistique"],
        1.0,
    ),
    sector(
        "55.10Z",
        "Hôtels et hébergement similaire",
        &["Hôtel", "Résidences"],
        0.6,
    ),
    sector(
        "56.10A",
        "Restauration traditionnelle",
        &["Restaurant", "Brasserie", "Bistrot"],
        0.5,
    ),
    sector(
        "64.19Z",
        "Autres intermédiations monétaires",
        &["Banque", "Crédit", "Finance"],
        2.5,
    ),
    sector(
        "66.22Z",
        "Activités des agents et courtiers d'assurances",
        &["Assurances", "Courtage"],
        1.2,
    ),
    sector(
        "68.20B",
        "Location de terrains et d'autres biens immobiliers",
        &["Immobilier", "Patrimoine Foncier"],
        2.0,
    ),
    sector(
        "85.59A",
        "Formation continue d'adultes",
        &["Formation", "Académie", "Compétences"],
        0.7,
    ),
    sector(
        "86.10Z",
        "Activités hospitalières",
        &["Clinique", "Santé", "Hôpital Privé"],
        0.8,
    ),
    sector(
        "81.21Z",
        "Nettoyage courant des bâtiments",
        &["Nettoyage", "Propreté", "Services"],
        0.4,
    ),
    sector(
        "78.20Z",
        "Activités des agences de travail temporaire",
        &["Intérim", "Emploi", "Ressources"],
        0.9,
    ),
    sector(
        "35.11Z",
        "Production d'électricité",
        &["Énergie", "Solaire", "Éolien"],
        3.0,
    ),
];

/// Words that make brand-like company names ("Horizon Transports").
pub(crate) const BRAND_WORDS: &[&str] = &[
    "Atlantique",
    "Horizon",
    "Azur",
    "Alpes",
    "Provence",
    "Océan",
    "Nord",
    "Avenir",
    "Altitude",
    "Novatek",
    "Solvia",
    "Axéo",
    "Étoile",
    "Méditerranée",
    "Arverne",
    "Boréal",
    "Cèdre",
    "Hélios",
    "Orion",
    "Vallée",
    "Armor",
    "Lumière",
    "Quadra",
    "Synergie",
];

/// Prefixes of French company names ("Société Générale d'…", "Établissements …").
pub(crate) const FRENCH_PREFIXES: &[&str] = &[
    "Société",
    "Établissements",
    "Groupe",
    "Compagnie",
    "Ateliers",
];

/// Given names with their grammatical gender (`true` = feminine).
pub(crate) fn first_names(pool: NamePool) -> &'static [(&'static str, bool)] {
    match pool {
        NamePool::French => &[
            ("Hélène", true),
            ("François", false),
            ("Stéphane", false),
            ("Jérôme", false),
            ("Céline", true),
            ("Amélie", true),
            ("Zoé", true),
            ("Noémie", true),
            ("Loïc", false),
            ("Gaëlle", true),
            ("Anaïs", true),
            ("Benoît", false),
            ("Élodie", true),
            ("Mathieu", false),
            ("Marie", true),
            ("Pierre", false),
            ("Nicolas", false),
            ("Isabelle", true),
            ("Nathalie", true),
            ("Sébastien", false),
            ("Thierry", false),
            ("Valérie", true),
            ("Sandrine", true),
            ("Frédéric", false),
            ("Julie", true),
            ("Camille", true),
            ("Léa", true),
            ("Hugo", false),
            ("Lucas", false),
            ("Chloé", true),
            ("Manon", true),
            ("Clément", false),
            ("Aurélie", true),
            ("Jean-Marc", false),
            ("Marie-Christine", true),
            ("Philippe", false),
            ("Christophe", false),
            ("Émilie", true),
            ("Grégoire", false),
            ("Agnès", true),
        ],
        NamePool::English => &[
            ("James", false),
            ("Emma", true),
            ("Oliver", false),
            ("Sophie", true),
            ("Charlotte", true),
            ("William", false),
            ("Harry", false),
            ("Amelia", true),
            ("Jack", false),
            ("Grace", true),
            ("Emily", true),
            ("Daniel", false),
            ("Rachel", true),
            ("Matthew", false),
            ("Hannah", true),
        ],
        NamePool::German => &[
            ("Jürgen", false),
            ("Jörg", false),
            ("Lukas", false),
            ("Anna", true),
            ("Katharina", true),
            ("Stefan", false),
            ("Sabine", true),
            ("Michael", false),
            ("Ute", true),
            ("Björn", false),
            ("Lea", true),
            ("Matthias", false),
            ("Birgit", true),
            ("Tobias", false),
        ],
        NamePool::Spanish => &[
            ("José", false),
            ("María", true),
            ("Álvaro", false),
            ("Lucía", true),
            ("Javier", false),
            ("Carmen", true),
            ("Sergio", false),
            ("Inés", true),
            ("Raúl", false),
            ("Marta", true),
        ],
        NamePool::Italian => &[
            ("Giuseppe", false),
            ("Francesca", true),
            ("Marco", false),
            ("Giulia", true),
            ("Luca", false),
            ("Chiara", true),
            ("Niccolò", false),
            ("Elena", true),
            ("Andrea", false),
            ("Sara", true),
        ],
        NamePool::Dutch => &[
            ("Jan", false),
            ("Sanne", true),
            ("Pieter", false),
            ("Femke", true),
            ("Daan", false),
            ("Anouk", true),
            ("Joost", false),
            ("Ilse", true),
            ("Bram", false),
            ("Eva", true),
        ],
    }
}

/// Family names of a pool.
pub(crate) fn last_names(pool: NamePool) -> &'static [&'static str] {
    match pool {
        NamePool::French => &[
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "Garcia",
            "David",
            "Bertrand",
            "Roux",
            "Vincent",
            "Fournier",
            "Morel",
            "Girard",
            "André",
            "Lefebvre",
            "Mercier",
            "Dupont",
            "Lambert",
            "Bonnet",
            "François",
            "Legrand",
            "Garnier",
            "Faure",
            "Rousseau",
            "Blanc",
            "Guérin",
            "Boyer",
            "Chevalier",
            "Lemoine",
            "Barbier",
            "Brun",
            "Noël",
            "Le Gall",
            "Hébert",
            "Ménard",
            "Béranger",
            "Lévêque",
            "Gauthier",
            "Perrin",
            "Clément",
            "Dumas",
        ],
        NamePool::English => &[
            "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Evans", "O'Brien", "Murphy", "Walker", "Wright", "Robinson", "Hughes",
        ],
        NamePool::German => &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schröder",
            "Weiß",
            "Hoffmann",
            "Krüger",
        ],
        NamePool::Spanish => &[
            "García",
            "Fernández",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Rodríguez",
            "Núñez",
        ],
        NamePool::Italian => &[
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino",
        ],
        NamePool::Dutch => &[
            "de Jong",
            "Jansen",
            "de Vries",
            "van den Berg",
            "Bakker",
            "Visser",
            "Smit",
            "Peeters",
            "Janssens",
        ],
    }
}

/// Sales representatives who own accounts.
pub(crate) const OWNERS: &[&str] = &[
    "Camille Bernard",
    "Julien Moreau",
    "Sophie Laurent",
    "Thomas Girard",
    "Émilie Fontaine",
    "Nicolas Mercier",
    "Léa Chevalier",
    "Antoine Faure",
];

/// Free e-mail providers some contacts use instead of their company's domain.
pub(crate) const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "orange.fr",
    "hotmail.fr",
    "free.fr",
    "yahoo.fr",
    "outlook.com",
];

/// The decision role behind a job title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Finance,
    It,
    Purchasing,
    Executive,
    Operations,
    Marketing,
    Sales,
    Administration,
}

impl Role {
    /// The department as the marketing tool writes it.
    pub fn department(self) -> &'static str {
        match self {
            Role::Finance => "Finance",
            Role::It => "IT",
            Role::Purchasing => "Purchasing",
            Role::Executive => "Executive",
            Role::Operations => "Operations",
            Role::Marketing => "Marketing",
            Role::Sales => "Sales",
            Role::Administration => "Administration",
        }
    }
}

/// Grammatical gender of a job title: masculine, feminine or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    M,
    F,
    Any,
}

impl Gender {
    /// Whether a title of this gender suits a person whose first name is (or is not)
    /// feminine.
    pub fn fits(self, female: bool) -> bool {
        matches!(
            (self, female),
            (Gender::Any, _) | (Gender::F, true) | (Gender::M, false)
        )
    }
}

/// A job title with its role and seniority.
#[derive(Debug)]
pub(crate) struct Title {
    pub title: &'static str,
    pub role: Role,
    pub seniority: &'static str,
    pub gender: Gender,
    /// Relative frequency.
    pub weight: u32,
}

const fn title(
    title: &'static str,
    role: Role,
    seniority: &'static str,
    gender: Gender,
    weight: u32,
) -> Title {
    Title {
        title,
        role,
        seniority,
        gender,
        weight,
    }
}

use Gender::{Any, F, M};
use Role::*;

pub(crate) const TITLES: &[Title] = &[
    title("DAF", Finance, "director", Any, 4),
    title(
        "Directeur administratif et financier",
        Finance,
        "director",
        M,
        3,
    ),
    title(
        "Directrice administrative et financière",
        Finance,
        "director",
        F,
        3,
    ),
    title("Directrice financière", Finance, "director", F, 2),
    title("CFO", Finance, "executive", Any, 2),
    title("Finance Director", Finance, "director", Any, 2),
    title("Contrôleur de gestion", Finance, "staff", M, 2),
    title("Contrôleuse de gestion", Finance, "staff", F, 2),
    title("Responsable comptable", Finance, "manager", Any, 3),
    title("DSI", It, "director", Any, 4),
    title("Directeur des systèmes d'information", It, "director", M, 2),
    title(
        "Directrice des systèmes d'information",
        It,
        "director",
        F,
        1,
    ),
    title("CTO", It, "executive", Any, 2),
    title("Responsable informatique", It, "manager", Any, 4),
    title("IT Manager", It, "manager", Any, 3),
    title("Administrateur systèmes et réseaux", It, "staff", M, 2),
    title("Directeur des achats", Purchasing, "director", M, 2),
    title("Directrice des achats", Purchasing, "director", F, 2),
    title("Acheteur", Purchasing, "staff", M, 2),
    title("Acheteuse", Purchasing, "staff", F, 2),
    title("Procurement Manager", Purchasing, "manager", Any, 2),
    title("Responsable achats", Purchasing, "manager", Any, 2),
    title("PDG", Executive, "executive", Any, 3),
    title("Président-directeur général", Executive, "executive", M, 1),
    title("Directeur général", Executive, "executive", M, 3),
    title("Directrice générale", Executive, "executive", F, 2),
    title("Gérant", Executive, "executive", M, 3),
    title("Gérante", Executive, "executive", F, 2),
    title("CEO", Executive, "executive", Any, 2),
    title("Managing Director", Executive, "executive", Any, 2),
    title("Directeur des opérations", Operations, "director", M, 2),
    title("Responsable logistique", Operations, "manager", Any, 3),
    title("COO", Operations, "executive", Any, 1),
    title("Operations Manager", Operations, "manager", Any, 2),
    title("Directrice de production", Operations, "director", F, 1),
    title("Directrice marketing", Marketing, "director", F, 2),
    title("Directeur marketing", Marketing, "director", M, 1),
    title("CMO", Marketing, "executive", Any, 1),
    title("Marketing Manager", Marketing, "manager", Any, 2),
    title("Chargée de communication", Marketing, "staff", F, 2),
    title("Commercial", Sales, "staff", M, 3),
    title("Commerciale", Sales, "staff", F, 2),
    title("Sales Rep", Sales, "staff", Any, 2),
    title("Directeur commercial", Sales, "director", M, 2),
    title("Key Account Manager", Sales, "manager", Any, 1),
    title("Assistante de direction", Administration, "staff", F, 4),
    title("Office Manager", Administration, "staff", Any, 2),
    title("DRH", Administration, "director", Any, 1),
    title("Responsable RH", Administration, "manager", Any, 2),
];

/// Where a contact's consent was collected.
pub(crate) const CONSENT_SOURCES: &[&str] = &[
    "Formulaire web",
    "Salon professionnel",
    "Webinar",
    "Import CRM",
    "Livre blanc",
    "Inscription newsletter",
];

/// A product category of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Software,
    Hardware,
    Services,
    Supplies,
    Maintenance,
}

impl Category {
    /// The category as the ERP writes it.
    pub fn label(self) -> &'static str {
        match self {
            Category::Software => "Logiciels",
            Category::Hardware => "Matériel",
            Category::Services => "Services",
            Category::Supplies => "Consommables",
            Category::Maintenance => "Maintenance",
        }
    }
}

/// A product with its unit price range in euros.
pub(crate) struct Product {
    pub name: &'static str,
    pub category: Category,
    pub price: (f64, f64),
}

const fn product(name: &'static str, category: Category, low: f64, high: f64) -> Product {
    Product {
        name,
        category,
        price: (low, high),
    }
}

/// The catalogue. Names use characters of Windows-1252 only (accents, «», ×, –, œ, ").
pub(crate) const PRODUCTS: &[Product] = &[
    product("Licence Sérénité Pro", Category::Software, 1200.0, 1800.0),
    product(
        "Licence Sérénité Entreprise",
        Category::Software,
        4500.0,
        7000.0,
    ),
    product(
        "Module Analytique avancée",
        Category::Software,
        900.0,
        1500.0,
    ),
    product("Abonnement Cloud Équipe", Category::Software, 300.0, 600.0),
    product(
        "Terminal de caisse TX-200",
        Category::Hardware,
        650.0,
        900.0,
    ),
    product("Écran tactile 24\"", Category::Hardware, 250.0, 400.0),
    product(
        "Imprimante thermique étiquettes",
        Category::Hardware,
        180.0,
        320.0,
    ),
    product("Serveur rack R740", Category::Hardware, 4000.0, 8000.0),
    product("Formation « Démarrage »", Category::Services, 800.0, 1200.0),
    product("Journée de conseil", Category::Services, 950.0, 1400.0),
    product("Audit de sécurité", Category::Services, 3000.0, 6000.0),
    product(
        "Main d'œuvre installation",
        Category::Services,
        400.0,
        900.0,
    ),
    product(
        "Rouleaux papier thermique (x50)",
        Category::Supplies,
        35.0,
        60.0,
    ),
    product("Cartouches d'encre noire", Category::Supplies, 25.0, 45.0),
    product(
        "Étiquettes adhésives 100×50",
        Category::Supplies,
        15.0,
        30.0,
    ),
    product(
        "Câbles réseau Cat6 – lot de 10",
        Category::Supplies,
        40.0,
        70.0,
    ),
    product(
        "Contrat de maintenance Sérénité",
        Category::Maintenance,
        1500.0,
        3000.0,
    ),
    product(
        "Support premium 24/7",
        Category::Maintenance,
        2500.0,
        5000.0,
    ),
    product(
        "Extension de garantie 3 ans",
        Category::Maintenance,
        300.0,
        700.0,
    ),
    product(
        "Télémaintenance à l'heure",
        Category::Maintenance,
        90.0,
        150.0,
    ),
];

/// Pages of the vendor's web site, by theme.
pub(crate) const PRICING_URL: &str = "/tarifs";
/// The demo request page.
pub(crate) const DEMO_URL: &str = "/demo";
/// Pages every visitor may see.
pub(crate) const GENERAL_URLS: &[&str] = &[
    "/",
    "/produits/serenite-pro",
    "/produits/terminal-tx200",
    "/cas-clients",
    "/contact",
];
/// Content pages researchers read.
pub(crate) const CONTENT_URLS: &[&str] = &[
    "/blog/rfm-b2b",
    "/blog/facturation-electronique-2026",
    "/blog/cybersecurite-pme",
    "/ressources/livres-blancs",
    "/ressources/guides",
    "/blog/choisir-son-erp",
];
/// Pages customers use.
pub(crate) const CUSTOMER_URLS: &[&str] = &[
    "/espace-client",
    "/support",
    "/support/tickets",
    "/documentation",
];
/// Pages bargain hunters visit.
pub(crate) const PROMO_URLS: &[&str] = &["/promotions", "/tarifs", "/destockage"];
/// Downloadable assets.
pub(crate) const ASSETS: &[&str] = &[
    "livre-blanc-cybersecurite.pdf",
    "guide-facturation-electronique.pdf",
    "fiche-produit-serenite.pdf",
    "etude-de-cas-transports.pdf",
    "checklist-migration-cloud.pdf",
];
/// Webinar topics (used in campaign names).
pub(crate) const WEBINARS: &[&str] = &[
    "cyber-pme",
    "facturation-electronique",
    "pilotage-commercial",
    "cloud-hybride",
];
/// Devices of web events.
pub(crate) const DEVICES: &[(&str, u32)] = &[("desktop", 70), ("mobile", 25), ("tablet", 5)];
