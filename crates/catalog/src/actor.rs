//! Who is asking, and what they may do. Every service takes an [`Actor`] and asks it.

use uuid::Uuid;

use sea_orm::{ColumnTrait, Condition};

use crate::entity::dataset;
use crate::error::{Error, Result};

/// Akses values (the national vocabulary).
pub const AKSES_TERBUKA: &str = "Terbuka";
/// Visible to signed-in government users.
pub const AKSES_TERBATAS: &str = "Terbatas";
/// Visible to the owning OPD and the walidata only.
pub const AKSES_TERTUTUP: &str = "Tertutup";

/// Account roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Runs the installation: everything.
    Admin,
    /// Checks and publishes all OPDs' data (usually Diskominfo).
    Walidata,
    /// Produces data for one OPD.
    Produsen,
    /// Reads and reviews (BPS, BIG); writes nothing.
    Pembina,
}

impl Role {
    /// Parses a stored or typed role name.
    pub fn parse(value: &str) -> Result<Self> {
        match crate::vocab::ROLE.parse(value)? {
            "admin" => Ok(Self::Admin),
            "walidata" => Ok(Self::Walidata),
            "produsen" => Ok(Self::Produsen),
            _ => Ok(Self::Pembina),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Walidata => "walidata",
            Self::Produsen => "produsen",
            Self::Pembina => "pembina",
        }
    }
}

/// A signed-in account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Database id.
    pub account_id: i32,
    /// Public id.
    pub uuid: Uuid,
    /// E-mail (login name).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The OPD a produsen belongs to.
    pub organization_id: Option<i32>,
}

/// The caller of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in: the public.
    Anonymous,
    /// A signed-in account.
    Account(Principal),
    /// The operator at the machine's console (the `satudata` CLI): may do anything.
    Operator,
}

impl Actor {
    /// The account, or an authentication error.
    pub fn principal(&self) -> Result<&Principal> {
        match self {
            Self::Account(p) => Ok(p),
            Self::Anonymous | Self::Operator => Err(Error::unauthenticated()),
        }
    }

    fn role(&self) -> Option<Role> {
        match self {
            Self::Account(p) => Some(p.role),
            Self::Operator => Some(Role::Admin),
            Self::Anonymous => None,
        }
    }

    /// Admin or walidata: may write every OPD's data.
    pub fn is_steward(&self) -> bool {
        matches!(self.role(), Some(Role::Admin | Role::Walidata))
    }

    /// Whether this actor may see every dataset, published or not, whatever its akses.
    pub fn sees_everything(&self) -> bool {
        matches!(self.role(), Some(Role::Admin | Role::Walidata))
    }

    /// The OPD whose unpublished datasets this actor may see besides public ones.
    pub fn own_organization(&self) -> Option<i32> {
        match self {
            Self::Account(Principal {
                role: Role::Produsen,
                organization_id,
                ..
            }) => *organization_id,
            _ => None,
        }
    }

    /// Whether this actor may read a dataset: Terbuka datasets are public once published;
    /// Terbatas ones are for signed-in government users; Tertutup ones only for their OPD and
    /// the walidata. A pembina reviews, so it also sees unpublished datasets except Tertutup
    /// ones that are not Data Prioritas.
    pub fn can_read(&self, dataset: &dataset::Model) -> bool {
        self.sees_drafts(dataset) || (dataset.is_live() && self.akses_allows(&dataset.akses))
    }

    /// Whether this actor sees a dataset before publication: its unpublished versions, their
    /// reports and its whole history.
    pub fn sees_drafts(&self, dataset: &dataset::Model) -> bool {
        self.sees_everything()
            || self.own_organization() == Some(dataset.organization_id)
            || (self.role() == Some(Role::Pembina)
                && (dataset.akses != AKSES_TERTUTUP || dataset.prioritas_tahun.is_some()))
    }

    /// Whether the akses of a published dataset lets this actor read it.
    pub fn akses_allows(&self, akses: &str) -> bool {
        match akses {
            AKSES_TERBUKA => true,
            AKSES_TERBATAS => self.role().is_some(),
            _ => self.sees_everything(),
        }
    }

    /// The condition on `dataset` rows this actor may read (the SQL twin of [`Self::can_read`]).
    pub fn readable(&self) -> Condition {
        if self.sees_everything() {
            return Condition::all();
        }
        let live = Condition::all()
            .add(dataset::Column::CurrentVersionId.is_not_null())
            .add(dataset::Column::WithdrawnAt.is_null());
        let akses: &[&str] = if self.role().is_some() {
            &[AKSES_TERBUKA, AKSES_TERBATAS]
        } else {
            &[AKSES_TERBUKA]
        };
        let mut any =
            Condition::any().add(live.add(dataset::Column::Akses.is_in(akses.iter().copied())));
        if let Some(org) = self.own_organization() {
            any = any.add(dataset::Column::OrganizationId.eq(org));
        }
        if self.role() == Some(Role::Pembina) {
            any = any
                .add(dataset::Column::Akses.ne(AKSES_TERTUTUP))
                .add(dataset::Column::PrioritasTahun.is_not_null());
        }
        any
    }

    /// Requires someone signed in (or the operator): writes never start as anonymous.
    pub fn require_signed_in(&self) -> Result<()> {
        if self.role().is_some() {
            Ok(())
        } else {
            Err(Error::unauthenticated())
        }
    }

    /// The account's database id, when an account is acting.
    pub fn account_id(&self) -> Option<i32> {
        match self {
            Self::Account(p) => Some(p.account_id),
            _ => None,
        }
    }

    /// Requires the right to write datasets of an OPD.
    pub fn require_dataset_writer(&self, organization_id: i32) -> Result<()> {
        let allowed = match self.role() {
            None => return Err(Error::unauthenticated()),
            Some(Role::Admin | Role::Walidata) => true,
            Some(Role::Produsen) => self.own_organization() == Some(organization_id),
            Some(Role::Pembina) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(Error::forbidden(
                "Anda hanya dapat mengubah dataset milik OPD Anda sendiri",
                "You may only change datasets of your own OPD",
            ))
        }
    }

    /// Requires admin or walidata.
    pub fn require_steward(&self) -> Result<()> {
        if self.role().is_none() {
            return Err(Error::unauthenticated());
        }
        if self.is_steward() {
            Ok(())
        } else {
            Err(Error::forbidden(
                "Hanya admin atau walidata yang dapat melakukan ini",
                "Only an admin or the walidata may do this",
            ))
        }
    }

    /// Requires admin.
    pub fn require_admin(&self) -> Result<()> {
        let role = self.role().ok_or_else(Error::unauthenticated)?;
        if role == Role::Admin {
            Ok(())
        } else {
            Err(Error::forbidden(
                "Hanya admin yang dapat melakukan ini",
                "Only an admin may do this",
            ))
        }
    }
}
