//! `DatasetCard` of macros.html: a dataset in a list.

use satudata_catalog::pages::PortalCard;
use serde::Serialize;

use super::shorten;
use crate::state::Visitor;

/// The OPD of a card.
#[derive(Debug, Serialize)]
pub(crate) struct CardOrganization {
    pub slug: String,
    pub name: String,
}

/// A dataset in a list.
#[derive(Debug, Serialize)]
pub(crate) struct DatasetCard {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub organization: CardOrganization,
    pub topik: Option<String>,
    pub frekuensi: Option<String>,
    pub akses: String,
    pub formats: Vec<&'static str>,
    pub updated_at: String,
    pub download_count: u64,
    pub row_count: Option<i64>,
}

impl DatasetCard {
    pub(crate) fn new(visitor: &Visitor, card: PortalCard) -> Self {
        let d = card.record.dataset;
        Self {
            url: visitor.url(&format!("/dataset/{}", d.slug)),
            description: shorten(&d.description, 300),
            organization: CardOrganization {
                slug: card.record.organization.slug,
                name: card.record.organization.name,
            },
            updated_at: card.data_updated_at.unwrap_or(d.updated_at).to_rfc3339(),
            formats: card.formats,
            download_count: card.download_count,
            row_count: card.row_count,
            slug: d.slug,
            title: d.title,
            topik: d.topik,
            frekuensi: d.frekuensi,
            akses: d.akses,
        }
    }

    pub(crate) fn all(visitor: &Visitor, cards: Vec<PortalCard>) -> Vec<Self> {
        cards.into_iter().map(|c| Self::new(visitor, c)).collect()
    }
}
