//! Who sees which dataset: the one rule every listing, feed and page applies. A dataset is
//! visible to an actor when the actor may read it ([`Actor::readable`], the SQL twin of
//! [`Actor::can_read`]); lists for other portals and the public (CKAN, DCAT, data.json, the
//! portal's pages) further show only published datasets that are Terbuka, unless a signed-in
//! caller asks for more.

use sea_orm::{ColumnTrait, Condition};

use crate::Actor;
use crate::actor::AKSES_TERBUKA;
use crate::entity::dataset;

/// The datasets `actor` sees in a list: readable and not deleted; unless `include_drafts`,
/// only published and not withdrawn; unless `include_private`, only Terbuka.
pub fn visible(actor: &Actor, include_private: bool, include_drafts: bool) -> Condition {
    let mut c = Condition::all()
        .add(dataset::Column::DeletedAt.is_null())
        .add(actor.readable());
    if !include_drafts {
        c = c
            .add(dataset::Column::CurrentVersionId.is_not_null())
            .add(dataset::Column::WithdrawnAt.is_null());
    }
    if !include_private {
        c = c.add(dataset::Column::Akses.eq(AKSES_TERBUKA));
    }
    c
}
