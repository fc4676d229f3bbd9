//! The extended key usage a server requires of the client's chain.

use serde::{Deserialize, Serialize};

/// The extended key usage to require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    Client,
    Server,
}

impl Usage {
    /// Does this EKU name the usage (anyExtendedKeyUsage aside)?
    pub fn listed_in(self, eku: &crate::certificate::ExtendedKeyUsage) -> bool {
        match self {
            Self::Client => eku.client_auth,
            Self::Server => eku.server_auth,
        }
    }

    /// The purpose's OID, dotted.
    pub fn oid(self) -> &'static str {
        match self {
            Self::Client => "1.3.6.1.5.5.7.3.2",
            Self::Server => "1.3.6.1.5.5.7.3.1",
        }
    }

    pub fn eku_name(self) -> &'static str {
        match self {
            Self::Client => "clientAuth",
            Self::Server => "serverAuth",
        }
    }
}
