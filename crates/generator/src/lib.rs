//! cible-generator: a realistic French/European B2B world with planted truth, so that every
//! stage of cible can be scored against what it should find.
//!
//! ```
//! use cible_generator::{GenerateParams, OutputFormat, demo_sources, generate};
//!
//! let dir = tempfile::tempdir()?;
//! let params = GenerateParams::new(50).seed(7).format(OutputFormat::Csv);
//! let summary = generate(&params, dir.path(), &|_stage, _done, _total| {})?;
//! assert_eq!(summary.files.len(), 4);
//! assert!(dir.path().join("data/crm_accounts.csv").exists());
//! assert!(dir.path().join("truth/segments.csv").exists());
//! // The project-file sources that read these files:
//! assert_eq!(demo_sources(OutputFormat::Csv)[0].1.path, "data/crm_accounts.csv");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The data files (`data/`)
//!
//! They look like real exports, so that the ingestion mapping is exercised:
//!
//! - `crm_accounts.csv`: a French CRM export. `;`, UTF-8 with a byte-order mark, CRLF,
//!   French headers (`Id compte`, `Raison sociale`, `SIREN`, `SIRET`, `Forme juridique`,
//!   `Code NAF`, `Libellé NAF`, `Effectif`, `Chiffre d'affaires`, `Devise`, `Pays`,
//!   `Région`, `Ville`, `Code postal`, `Site web`, `Date de création`, `Propriétaire`,
//!   `Statut`), decimal comma, dates `dd/mm/yyyy`. About 80% of companies are French (real
//!   cities, regions and postcodes; SIREN and SIRET passing the Luhn check; NAF rev. 2 codes
//!   with their official labels); the others are Belgian, German, British, Spanish, Italian,
//!   Dutch and Swiss, without SIREN, with the NACE code.
//! - `crm_contacts.csv`: a marketing tool's export. `,`, UTF-8, English headers (`Contact ID`,
//!   `Company ID`, `First Name`, `Last Name`, `Email`, `Phone`, `Job Title`, `Department`,
//!   `Seniority`, `Email Opt-In`, `Consent Date`, `Consent Source`); French and English job
//!   titles with the decision role behind them; phones in the formats people type.
//! - `erp_orders.csv`: an ERP export. `;`, **Windows-1252**, CRLF, headers `N° commande`,
//!   `Id compte`, `Date`, `Montant HT`, `Devise`, `Produit`, `Catégorie`, `Quantité`,
//!   `Canal`; three years of orders before the reference date, plus the orders of prospects
//!   that convert in the 90 days after it.
//! - `web_events.ndjson`: web analytics and marketing automation, keys `event_id`,
//!   `account_id`, `contact_id`, `timestamp` (RFC 3339 UTC), `channel`, `type`, `properties`
//!   (a JSON object); two years before the reference date. Anonymous web sessions have no
//!   `contact_id`; some e-mail events have no `account_id`.
//!
//! Orders and interactions fall mostly on weekdays, interactions mostly in office hours.
//!
//! With [`OutputFormat::Parquet`] the same four tables are written as Parquet files of text
//! columns, same headers, same values (missing values are nulls). [`demo_sources`] gives the
//! `[sources.*]` entries that read either form.
//!
//! # The truth (`truth/`)
//!
//! - `segments.csv` (`account_id,segment`): the latent segment of every original account:
//!   - `large_loyal`: large companies (250 to 15 000 employees), 14 to 28 orders over three
//!     years, large baskets (software, hardware, maintenance), direct channel; customers.
//!   - `dormant`: 5 to 9 orders, all between 15 and 36 months ago, little engagement since
//!     (old web visits, unopened e-mails); 70% churned, 30% still customer.
//!   - `engaged_prospect`: no orders; many recent visits of pricing and demo pages, webinars,
//!     demo requests, e-mail clicks; convert often.
//!   - `price_sensitive`: small companies, 2 to 5 small orders (consumables, web shop); many
//!     e-mails opened, few clicked; promotions pages.
//!   - `fast_growing`: created less than a year ago; 6 to 14 orders, denser and larger
//!     towards the reference date.
//!   - `digital_researcher`: prospects reading a lot (blog, guides, downloads) over the last
//!     year, never at a webinar nor asking for a demo; rarely convert.
//! - `duplicate_accounts.csv`, `duplicate_contacts.csv` (`id_a,id_b`, `id_a < id_b`): about
//!   5% of accounts and of contacts have a second record with a new id: typos, accents
//!   dropped, words swapped, legal form rewritten or dropped, case changed, phones
//!   reformatted, e-mails re-cased, SIREN or web site missing. Some contacts, orders and
//!   events of a duplicated account point at the duplicate id.
//! - `conversions.csv` (`account_id,converted_90d`): for every prospect at the reference
//!   date, whether it converts in the next 90 days, drawn from its engagement (demo requests,
//!   webinars attended, pricing-page views, recency); converted prospects have their first
//!   orders dated in that window.
//! - `dirt.csv` (`table,record_id,column,kind,value`): every planted problem, with the
//!   canonical table and column names: `missing` (an optional cell blanked; `value` is what
//!   it held), `outlier` (a value that parses but is absurd) and `malformed` (a value
//!   ingestion must reject). Id columns are never touched. Structural blanks (SIREN of foreign
//!   companies, anonymous visits) and the blanks of duplicate records are not dirt.
//! - `manifest.json`: parameters, row counts, segment sizes, dirt counts.
//!
//! Everything is deterministic: the same [`GenerateParams`] give byte-identical files,
//! whatever the number of threads (each account draws from its own random stream). Across
//! platforms, floating-point functions of the system's math library may round differently in
//! rare cases.
//!
//! Generation is fast: 100 000 accounts (about 105 000 account records, 316 000 contacts,
//! 575 000 orders, 2.5 million events) take about 4 s in a release build on two cores.
//!
//! # Tests
//!
//! Unit tests cover Luhn numbers, id uniqueness, phone and number formats, Windows-1252
//! encoding, name perturbations, dirt recording and parameter messages. Integration tests
//! (`tests/generate.rs`, a few hundred accounts) check byte-identical output for CSV and
//! Parquet, the truth files' shape, segments (each account once, all present, distinct order
//! counts), duplicate pairs, SIREN/SIRET validity, the orders file's encoding, conversions,
//! that every malformed value sits where `dirt.csv` says, and that [`demo_sources`] pass the
//! project-file checks and name real headers. An ignored test times 100 000 accounts. They do
//! not check that cible's ingestion rejects the malformed values: that is `cible-data`'s job.

mod dirt;
mod duplicates;
mod error;
mod events;
mod generate;
mod identity;
mod layout;
mod params;
mod people;
mod registry;
mod rows;
mod sample;
mod segment;
mod sources;
mod vocab;
mod world;
mod writer;

pub use error::GenerateError;
pub use generate::{GenerateSummary, TMP_DIR, generate};
pub use params::{GenerateParams, MAX_ACCOUNTS, MIN_ACCOUNTS, OutputFormat};
pub use registry::luhn_valid;
pub use segment::Segment;
pub use sources::demo_sources;
