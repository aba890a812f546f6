//! Who is asking, and what they may do. Every service takes an [`Actor`] and asks it.

use uuid::Uuid;

use crate::entity::dataset;
use crate::error::{Error, Result};

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

    /// Whether this actor may see all datasets, public or not.
    pub fn sees_everything(&self) -> bool {
        matches!(
            self.role(),
            Some(Role::Admin | Role::Walidata | Role::Pembina)
        )
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

    /// Whether this actor may read a dataset.
    pub fn can_read(&self, dataset: &dataset::Model) -> bool {
        dataset.is_public
            || self.sees_everything()
            || self.own_organization() == Some(dataset.organization_id)
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
