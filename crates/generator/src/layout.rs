//! The shape of every file the generator writes: names, headers, and the canonical column
//! behind each source header.

use cible_core::schema::TableKind;

/// One data file: its name, the canonical table it feeds, and its columns as
/// `(source header, canonical column)`.
pub(crate) struct DataLayout {
    pub table: TableKind,
    /// File name without extension.
    pub stem: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

impl DataLayout {
    /// The source headers, in file order.
    pub(crate) fn headers(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().map(|(h, _)| *h)
    }

    /// The canonical column of field `col`.
    pub(crate) fn canonical(&self, col: usize) -> &'static str {
        self.columns[col].1
    }
}

/// Column indices of `crm_accounts`.
pub(crate) mod acc {
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const SIREN: usize = 2;
    pub const SIRET: usize = 3;
    pub const LEGAL_FORM: usize = 4;
    pub const SECTOR_CODE: usize = 5;
    pub const SECTOR_LABEL: usize = 6;
    pub const EMPLOYEES: usize = 7;
    pub const REVENUE: usize = 8;
    pub const REGION: usize = 11;
    pub const CITY: usize = 12;
    pub const POSTAL_CODE: usize = 13;
    pub const WEBSITE: usize = 14;
    pub const CREATED_AT: usize = 15;
    pub const OWNER: usize = 16;
    pub const STATUS: usize = 17;
}

/// Column indices of `crm_contacts`.
pub(crate) mod con {
    pub const ID: usize = 0;
    pub const ACCOUNT: usize = 1;
    pub const FIRST_NAME: usize = 2;
    pub const LAST_NAME: usize = 3;
    pub const EMAIL: usize = 4;
    pub const PHONE: usize = 5;
    pub const JOB_TITLE: usize = 6;
    pub const DEPARTMENT: usize = 7;
    pub const SENIORITY: usize = 8;
    pub const OPT_IN: usize = 9;
    pub const CONSENT_DATE: usize = 10;
    pub const CONSENT_SOURCE: usize = 11;
}

/// Column indices of `erp_orders`.
pub(crate) mod ord {
    pub const DATE: usize = 2;
    pub const AMOUNT: usize = 3;
    pub const CURRENCY: usize = 4;
    pub const PRODUCT: usize = 5;
    pub const CATEGORY: usize = 6;
    pub const QUANTITY: usize = 7;
    pub const CHANNEL: usize = 8;
}

/// Column indices of `web_events`.
pub(crate) mod evt {
    pub const TIMESTAMP: usize = 3;
    pub const CHANNEL: usize = 4;
    pub const PROPERTIES: usize = 6;
}

/// The CRM's account export (French headers).
pub(crate) const ACCOUNTS: DataLayout = DataLayout {
    table: TableKind::Accounts,
    stem: "crm_accounts",
    columns: &[
        ("Id compte", "account_id"),
        ("Raison sociale", "name"),
        ("SIREN", "siren"),
        ("SIRET", "siret"),
        ("Forme juridique", "legal_form"),
        ("Code NAF", "sector_code"),
        ("Libellé NAF", "sector_label"),
        ("Effectif", "employees"),
        ("Chiffre d'affaires", "revenue"),
        ("Devise", "currency"),
        ("Pays", "country"),
        ("Région", "region"),
        ("Ville", "city"),
        ("Code postal", "postal_code"),
        ("Site web", "website"),
        ("Date de création", "created_at"),
        ("Propriétaire", "owner"),
        ("Statut", "lifecycle_status"),
    ],
};

/// The marketing tool's contact export (English headers).
pub(crate) const CONTACTS: DataLayout = DataLayout {
    table: TableKind::Contacts,
    stem: "crm_contacts",
    columns: &[
        ("Contact ID", "contact_id"),
        ("Company ID", "account_id"),
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Phone", "phone"),
        ("Job Title", "job_title"),
        ("Department", "department"),
        ("Seniority", "seniority"),
        ("Email Opt-In", "email_opt_in"),
        ("Consent Date", "consent_date"),
        ("Consent Source", "consent_source"),
    ],
};

/// The ERP's order export (French headers, Windows-1252).
pub(crate) const ORDERS: DataLayout = DataLayout {
    table: TableKind::Orders,
    stem: "erp_orders",
    columns: &[
        ("N° commande", "order_id"),
        ("Id compte", "account_id"),
        ("Date", "ordered_at"),
        ("Montant HT", "amount"),
        ("Devise", "currency"),
        ("Produit", "product"),
        ("Catégorie", "category"),
        ("Quantité", "quantity"),
        ("Canal", "channel"),
    ],
};

/// The web-analytics / marketing-automation event stream.
pub(crate) const EVENTS: DataLayout = DataLayout {
    table: TableKind::Events,
    stem: "web_events",
    columns: &[
        ("event_id", "event_id"),
        ("account_id", "account_id"),
        ("contact_id", "contact_id"),
        ("timestamp", "occurred_at"),
        ("channel", "channel"),
        ("type", "type"),
        ("properties", "properties"),
    ],
};

/// The four data files, in canonical table order.
pub(crate) const DATA: [&DataLayout; 4] = [&ACCOUNTS, &CONTACTS, &ORDERS, &EVENTS];

/// One truth file: its name (without `.csv`) and header.
pub(crate) struct TruthLayout {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

/// Truth file indices.
pub(crate) const SEGMENTS: usize = 0;
pub(crate) const DUP_ACCOUNTS: usize = 1;
pub(crate) const DUP_CONTACTS: usize = 2;
pub(crate) const CONVERSIONS: usize = 3;
pub(crate) const DIRT: usize = 4;

/// The truth files, in the order of the indices above.
pub(crate) const TRUTH: [TruthLayout; 5] = [
    TruthLayout {
        name: "segments",
        columns: &["account_id", "segment"],
    },
    TruthLayout {
        name: "duplicate_accounts",
        columns: &["id_a", "id_b"],
    },
    TruthLayout {
        name: "duplicate_contacts",
        columns: &["id_a", "id_b"],
    },
    TruthLayout {
        name: "conversions",
        columns: &["account_id", "converted_90d"],
    },
    TruthLayout {
        name: "dirt",
        columns: &["table", "record_id", "column", "kind", "value"],
    },
];
