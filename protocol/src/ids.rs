//! Typed identifiers. Every id is a UUIDv7 (time-ordered, so lists sort by creation and
//! SQLite indexes stay append-friendly), wrapped in its own type so a record id can never be
//! passed where a case id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self(Uuid::nil())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.as_hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A case (案件) or an inspection (检查) that may become one.
    CaseId
);
id_type!(
    /// A record (文书/笔录) within a case.
    RecordId
);
id_type!(
    /// An evidence item (photo, audio, video, scan, file).
    EvidenceId
);
id_type!(
    /// A signature slot on a record.
    SlotId
);
id_type!(
    /// A party (当事人) of a case.
    PartyId
);
id_type!(
    /// A device (phone install) or the back office, i.e. one signing chain.
    DeviceId
);
