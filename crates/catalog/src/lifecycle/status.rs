//! The lifecycle of a version in one place: its status (stored under the national portal's
//! names), the steps that move it, and [`VersionStatus::after`], the one exhaustive table of
//! which step is allowed from which status and where it leads. The history's event kinds are
//! here too.

use sea_orm::Iterable;
use sea_orm::entity::prelude::*;

/// A version's status; the database and the API use the national portal's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum VersionStatus {
    /// Uploaded, not yet submitted.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Submitted by the OPD, waiting for the walidata (and, for Data Prioritas, the pembina).
    #[sea_orm(string_value = "MENUNGGU_PERSETUJUAN")]
    MenungguPersetujuan,
    /// Returned to the OPD with notes.
    #[sea_orm(string_value = "DITOLAK")]
    Ditolak,
    /// Approved, ready to publish.
    #[sea_orm(string_value = "DISETUJUI")]
    Disetujui,
    /// Published.
    #[sea_orm(string_value = "DITAYANGKAN")]
    Ditayangkan,
    /// Withdrawn after publication.
    #[sea_orm(string_value = "TIDAK_DITAYANGKAN")]
    TidakDitayangkan,
    /// Cancelled before publication by its OPD or the walidata; final.
    #[sea_orm(string_value = "DIBATALKAN")]
    Dibatalkan,
}

/// What can happen to a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The OPD submits it for review.
    Submit,
    /// A reviewer approves it; `complete` when no other approval is still needed (a Data
    /// Prioritas version needs the walidata's and a pembina's).
    Approve {
        /// Whether this approval completes the review.
        complete: bool,
    },
    /// A reviewer returns it to the OPD with a note.
    Return,
    /// The walidata publishes it (or publishes again a withdrawn or earlier one).
    Publish,
    /// The walidata withdraws the published dataset.
    Unpublish,
    /// Its OPD or the walidata cancels it before publication.
    Cancel,
}

impl VersionStatus {
    /// The status after `step`, or `None` when the step is not allowed from this status.
    pub fn after(self, step: Step) -> Option<Self> {
        use VersionStatus::{
            Dibatalkan, Disetujui, Ditayangkan, Ditolak, Draft, MenungguPersetujuan,
            TidakDitayangkan,
        };
        match (self, step) {
            (Draft | Ditolak, Step::Submit) => Some(MenungguPersetujuan),
            (MenungguPersetujuan, Step::Approve { complete: true }) => Some(Disetujui),
            (MenungguPersetujuan, Step::Approve { complete: false }) => Some(MenungguPersetujuan),
            (MenungguPersetujuan, Step::Return) => Some(Ditolak),
            (Disetujui | Ditayangkan | TidakDitayangkan, Step::Publish) => Some(Ditayangkan),
            (Ditayangkan, Step::Unpublish) => Some(TidakDitayangkan),
            (Draft | MenungguPersetujuan | Ditolak | Disetujui, Step::Cancel) => Some(Dibatalkan),
            (
                Draft | MenungguPersetujuan | Ditolak | Disetujui | Ditayangkan | TidakDitayangkan
                | Dibatalkan,
                _,
            ) => None,
        }
    }

    /// The statuses from which `step` is allowed, in lifecycle order.
    pub fn allowing(step: Step) -> Vec<Self> {
        Self::iter().filter(|s| s.after(step).is_some()).collect()
    }

    /// The national name, e.g. `MENUNGGU_PERSETUJUAN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::MenungguPersetujuan => "MENUNGGU_PERSETUJUAN",
            Self::Ditolak => "DITOLAK",
            Self::Disetujui => "DISETUJUI",
            Self::Ditayangkan => "DITAYANGKAN",
            Self::TidakDitayangkan => "TIDAK_DITAYANGKAN",
            Self::Dibatalkan => "DIBATALKAN",
        }
    }

    /// Whether the walidata has approved a version in this status (its review is over).
    pub fn approved(self) -> bool {
        matches!(
            self,
            Self::Disetujui | Self::Ditayangkan | Self::TidakDitayangkan
        )
    }
}

impl std::fmt::Display for VersionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a history event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventKind {
    /// A version was uploaded.
    #[sea_orm(string_value = "upload")]
    Upload,
    /// A version was submitted.
    #[sea_orm(string_value = "submit")]
    Submit,
    /// A version was approved.
    #[sea_orm(string_value = "approve")]
    Approve,
    /// A version was returned with a note.
    #[sea_orm(string_value = "return")]
    Return,
    /// A version was published.
    #[sea_orm(string_value = "publish")]
    Publish,
    /// The dataset was withdrawn.
    #[sea_orm(string_value = "unpublish")]
    Unpublish,
    /// A version was cancelled.
    #[sea_orm(string_value = "cancel")]
    Cancel,
    /// The dataset's metadata changed.
    #[sea_orm(string_value = "metadata")]
    Metadata,
}

impl EventKind {
    /// The event a step records.
    pub fn of(step: Step) -> Self {
        match step {
            Step::Submit => Self::Submit,
            Step::Approve { .. } => Self::Approve,
            Step::Return => Self::Return,
            Step::Publish => Self::Publish,
            Step::Unpublish => Self::Unpublish,
            Step::Cancel => Self::Cancel,
        }
    }

    /// Whether the public may see it in a published dataset's history (reviews stay
    /// internal).
    pub fn public(self) -> bool {
        matches!(self, Self::Publish | Self::Unpublish | Self::Metadata)
    }

    /// Its stored name, e.g. `submit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "upload",
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Return => "return",
            Self::Publish => "publish",
            Self::Unpublish => "unpublish",
            Self::Cancel => "cancel",
            Self::Metadata => "metadata",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Step, VersionStatus};
    use sea_orm::{ActiveEnum, Iterable as _};

    #[test]
    fn the_lifecycle_table() {
        use VersionStatus::*;
        let done = Step::Approve { complete: true };
        let half = Step::Approve { complete: false };
        assert_eq!(Draft.after(Step::Submit), Some(MenungguPersetujuan));
        assert_eq!(Ditolak.after(Step::Submit), Some(MenungguPersetujuan));
        assert_eq!(MenungguPersetujuan.after(done), Some(Disetujui));
        assert_eq!(MenungguPersetujuan.after(half), Some(MenungguPersetujuan));
        assert_eq!(MenungguPersetujuan.after(Step::Return), Some(Ditolak));
        assert_eq!(Disetujui.after(Step::Publish), Some(Ditayangkan));
        assert_eq!(TidakDitayangkan.after(Step::Publish), Some(Ditayangkan));
        assert_eq!(Ditayangkan.after(Step::Unpublish), Some(TidakDitayangkan));
        assert_eq!(
            VersionStatus::allowing(Step::Cancel),
            [Draft, MenungguPersetujuan, Ditolak, Disetujui]
        );
        // Final and out-of-order steps are refused.
        for step in [
            Step::Submit,
            done,
            Step::Return,
            Step::Publish,
            Step::Cancel,
        ] {
            assert_eq!(Dibatalkan.after(step), None, "{step:?}");
        }
        assert_eq!(Draft.after(Step::Publish), None);
        assert_eq!(Ditayangkan.after(Step::Submit), None);
        assert_eq!(Disetujui.after(Step::Return), None);
    }

    #[test]
    fn stored_names_are_the_national_ones() {
        for status in VersionStatus::iter() {
            assert_eq!(status.to_value(), status.as_str());
            assert_eq!(
                VersionStatus::try_from_value(&status.to_value()).ok(),
                Some(status)
            );
        }
        assert_eq!(
            VersionStatus::MenungguPersetujuan.to_string(),
            "MENUNGGU_PERSETUJUAN"
        );
    }

    #[test]
    fn event_names_are_the_stored_ones() {
        for kind in super::EventKind::iter() {
            assert_eq!(kind.to_value(), kind.as_str());
        }
    }
}
