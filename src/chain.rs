//! Chain building over the client and trust inputs together.
//!
//! Candidate issuers are found by name, ranked by key identifiers and confirmed by signature. The
//! search is bounded (depth and steps) so that hostile bundles cannot make it run away.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::certificate::{Certificate, Side};
use crate::read::names::OpensslCanonical;
use crate::signature::{SignatureCheck, Verified, signed_by};

/// How an issuer's name is matched to a subject's: each stack has its own rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameMatching {
    /// The encoded bytes (rustls-webpki, Go's `CertPool`).
    Exact,
    /// OpenSSL's canonical form (`X509_NAME_cmp`): case, spacing and string type aside.
    Openssl,
    /// Java's `X500Principal` equality (its canonical RFC 2253 form).
    Java,
    /// Any of these: for drawing the certificates and choosing the client's.
    Any,
}

/// The longest path the search follows (leaf and anchor included).
pub const MAX_PATH_LENGTH: usize = 12;
/// The most candidate edges one search may follow.
pub const MAX_SEARCH_STEPS: usize = 4096;
/// The most signatures one inspection verifies; beyond it, signatures count as unverifiable
/// and the search reports that it was cut short.
pub const MAX_SIGNATURE_CHECKS: usize = 20_000;

/// A certificate with the input it came from.
#[derive(Clone, Debug)]
pub struct Entry {
    pub certificate: Certificate,
    pub side: Side,
}

/// Why a path stops short of a trust anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dead {
    /// No certificate at all carries the issuer name of the last certificate.
    IssuerNotFound { last: usize },
    /// Certificates with the issuer's name exist, but none of their keys made the signature.
    IssuerKeyMismatch { last: usize, candidates: Vec<usize> },
    /// The issuer is there (name and key identifier match) but the signature does not verify:
    /// the certificate was altered or corrupted.
    BadSignature { last: usize, issuer: usize },
    /// The path ends at a self-signed certificate that the server does not trust.
    UntrustedRoot { root: usize },
    /// The search budget ran out.
    Exhausted { last: usize },
}

/// The outcome of a path search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// A path from the client certificate (first) to a trust anchor (last).
    Complete(Vec<usize>),
    /// The most promising path found, and why it stops.
    Incomplete(Vec<usize>, Dead),
}

impl Search {
    pub fn path(&self) -> &[usize] {
        match self {
            Self::Complete(path) | Self::Incomplete(path, _) => path,
        }
    }
}

/// The certificates of one inspection and what is known about how they relate.
pub struct Graph<'a> {
    entries: &'a [Entry],
    signatures: RefCell<HashMap<(usize, usize), SignatureCheck>>,
    /// Every signature verified, shared with rustls-webpki's verifications (and with other
    /// inspections of the same inputs).
    verified: &'a Verified,
    /// Signatures verified so far, against [`MAX_SIGNATURE_CHECKS`].
    checks: std::cell::Cell<usize>,
    by_issuer: foldhash::HashMap<&'a [u8], Vec<usize>>,
    by_subject: foldhash::HashMap<&'a [u8], Vec<usize>>,
    by_subject_openssl: foldhash::HashMap<&'a OpensslCanonical, Vec<usize>>,
    by_subject_java: foldhash::HashMap<&'a str, Vec<usize>>,
}

impl<'a> Graph<'a> {
    pub fn new(entries: &'a [Entry], verified: &'a Verified) -> Self {
        // Built for every inspection (the page's re-validations too): sized once.
        fn index<K>(entries: &[Entry]) -> foldhash::HashMap<K, Vec<usize>> {
            foldhash::HashMap::with_capacity_and_hasher(entries.len(), Default::default())
        }
        let mut by_subject: foldhash::HashMap<&[u8], Vec<usize>> = index(entries);
        let mut by_subject_openssl: foldhash::HashMap<&OpensslCanonical, Vec<usize>> =
            index(entries);
        let mut by_subject_java: foldhash::HashMap<&str, Vec<usize>> = index(entries);
        let mut by_issuer: foldhash::HashMap<&[u8], Vec<usize>> = index(entries);
        for (index, entry) in entries.iter().enumerate() {
            let certificate = &entry.certificate;
            by_issuer
                .entry(certificate.issuer_raw.as_slice())
                .or_default()
                .push(index);
            by_subject
                .entry(certificate.subject_raw.as_slice())
                .or_default()
                .push(index);
            if let Some(canonical) = &certificate.subject_canonical {
                by_subject_openssl.entry(canonical).or_default().push(index);
            }
            by_subject_java
                .entry(certificate.subject_java.as_str())
                .or_default()
                .push(index);
        }
        Self {
            entries,
            signatures: RefCell::new(HashMap::new()),
            verified,
            checks: std::cell::Cell::new(0),
            by_issuer,
            by_subject,
            by_subject_openssl,
            by_subject_java,
        }
    }

    pub fn entries(&self) -> &'a [Entry] {
        self.entries
    }

    pub fn certificate(&self, index: usize) -> Option<&'a Certificate> {
        self.entries.get(index).map(|e| &e.certificate)
    }

    pub fn side(&self, index: usize) -> Option<Side> {
        self.entries.get(index).map(|e| e.side)
    }

    /// The signatures verified for these inputs (shared with rustls-webpki's, and with other
    /// inspections of the same inputs).
    pub fn verified(&self) -> &'a Verified {
        self.verified
    }

    /// Did `issuer` sign `subject`? Cached: every pair is verified at most once.
    pub fn signature(&self, subject: usize, issuer: usize) -> SignatureCheck {
        if let Some(result) = self.signatures.borrow().get(&(subject, issuer)) {
            return *result;
        }
        if self.checks.get() >= MAX_SIGNATURE_CHECKS {
            return SignatureCheck::Unsupported;
        }
        self.checks.set(self.checks.get() + 1);
        let result = match (self.certificate(subject), self.certificate(issuer)) {
            (Some(s), Some(i)) => signed_by(s, i, Some(self.verified)),
            _ => SignatureCheck::Invalid,
        };
        self.signatures
            .borrow_mut()
            .insert((subject, issuer), result);
        result
    }

    /// Certificates whose subject matches `index`'s issuer name as `matching` says, excluding
    /// `index` itself.
    pub fn named_issuers(&self, index: usize, matching: NameMatching) -> Vec<usize> {
        let Some(cert) = self.certificate(index) else {
            return Vec::new();
        };
        let exact = || self.by_subject.get(cert.issuer_raw.as_slice());
        let openssl = || {
            cert.issuer_canonical
                .as_ref()
                .and_then(|c| self.by_subject_openssl.get(c))
        };
        let java = || self.by_subject_java.get(cert.issuer_java.as_str());
        let lists: Vec<Option<&Vec<usize>>> = match matching {
            NameMatching::Exact => vec![exact()],
            NameMatching::Openssl => vec![openssl()],
            NameMatching::Java => vec![java()],
            NameMatching::Any => vec![exact(), openssl(), java()],
        };
        let mut found: Vec<usize> = Vec::new();
        for &other in lists.into_iter().flatten().flatten() {
            if other != index && !found.contains(&other) {
                found.push(other);
            }
        }
        found
    }

    /// Key identifiers agree, or at least one side has none.
    pub fn key_ids_compatible(&self, subject: usize, issuer: usize) -> bool {
        match (self.certificate(subject), self.certificate(issuer)) {
            (Some(s), Some(i)) => match (&s.authority_key_id, &i.subject_key_id) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            },
            _ => false,
        }
    }

    /// Named issuers whose key verifiably (or possibly, for algorithms we cannot check)
    /// signed `index`, best first: trust store first, then matching key ids, then input order.
    pub fn issuers(&self, index: usize, matching: NameMatching) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .named_issuers(index, matching)
            .into_iter()
            .filter(|&i| self.signature(index, i) != SignatureCheck::Invalid)
            .collect();
        found.sort_by_key(|&i| {
            (
                self.side(i) != Some(Side::Trust),
                !self.key_ids_compatible(index, i),
                self.signature(index, i) != SignatureCheck::Valid,
                i,
            )
        });
        found
    }

    /// Is the certificate self-issued with a signature its own key verifies (or cannot be
    /// checked)?
    pub fn is_self_signed(&self, index: usize) -> bool {
        self.certificate(index).is_some_and(|c| {
            c.is_self_issued() && self.signature(index, index) != SignatureCheck::Invalid
        })
    }

    /// Is `index` self-signed as OpenSSL flags a certificate (`EXFLAG_SS`, set by
    /// `ossl_x509v3_cache_extensions` in OpenSSL 3): its subject is its issuer (compared
    /// canonically), its authority key identifier, if any, is its own subject key identifier,
    /// and its signature algorithm is one for its own type of key. Its signature is not
    /// verified: OpenSSL verifies a trust anchor's own signature only with
    /// `X509_V_FLAG_CHECK_SS_SIGNATURE`, which servers do not set. (The AKI's issuer and
    /// serial, which `X509_check_akid` also compares, are not read.)
    pub fn is_self_signed_openssl(&self, index: usize) -> bool {
        self.certificate(index).is_some_and(|c| {
            let same_name = match (&c.subject_canonical, &c.issuer_canonical) {
                (Some(subject), Some(issuer)) => subject == issuer,
                _ => c.is_self_issued(),
            };
            let own_key_id = match (&c.authority_key_id, &c.subject_key_id) {
                (Some(authority), Some(subject)) => authority == subject,
                _ => true,
            };
            same_name && own_key_id && c.signature_algorithm.is_for_key(&c.key)
        })
    }

    /// Certificates whose issuer name is `index`'s subject (byte-equal).
    pub fn issued_by_name(&self, index: usize) -> &[usize] {
        self.certificate(index)
            .and_then(|c| self.by_issuer.get(c.subject_raw.as_slice()))
            .map_or(&[], Vec::as_slice)
    }

    /// Does `issuer` appear to have issued `subject` (a name match of any stack and a signature
    /// that is not known to be wrong)?
    pub fn issued(&self, issuer: usize, subject: usize) -> bool {
        issuer != subject
            && self
                .named_issuers(subject, NameMatching::Any)
                .contains(&issuer)
            && self.signature(subject, issuer) != SignatureCheck::Invalid
    }

    /// Searches for a path from `leaf` to a certificate that `is_anchor` accepts, matching
    /// names as `matching` says.
    pub fn search(
        &self,
        leaf: usize,
        matching: NameMatching,
        is_anchor: &dyn Fn(usize) -> bool,
    ) -> Search {
        self.search_accepting(leaf, matching, is_anchor, None)
    }

    /// [`Graph::search`] that keeps looking past complete paths `accept` refuses, as
    /// implementations that build every candidate chain and filter them do (Go). When no path
    /// is accepted, the first complete one is returned, so that its faults can be shown.
    pub fn search_accepting(
        &self,
        leaf: usize,
        matching: NameMatching,
        is_anchor: &dyn Fn(usize) -> bool,
        accept: Option<&Acceptor<'_>>,
    ) -> Search {
        let mut state = SearchState {
            matching,
            steps: 0,
            best: None,
            accept,
            first_complete: None,
        };
        let mut path = vec![leaf];
        if let Some(found) = self.extend(&mut path, is_anchor, &mut state) {
            return Search::Complete(found);
        }
        if let Some(found) = state.first_complete {
            return Search::Complete(found);
        }
        match state.best {
            Some((path, dead)) => Search::Incomplete(path, dead),
            None => Search::Incomplete(vec![leaf], Dead::Exhausted { last: leaf }),
        }
    }

    fn extend(
        &self,
        path: &mut Vec<usize>,
        is_anchor: &dyn Fn(usize) -> bool,
        state: &mut SearchState<'_>,
    ) -> Option<Vec<usize>> {
        let &last = path.last()?;
        let dead = |state: &mut SearchState<'_>, path: &[usize], dead: Dead| {
            let better = match &state.best {
                None => true,
                Some((best, best_dead)) => {
                    path.len() > best.len()
                        || (path.len() == best.len() && dead_rank(&dead) > dead_rank(best_dead))
                }
            };
            if better {
                state.best = Some((path.to_vec(), dead));
            }
        };
        if path.len() >= MAX_PATH_LENGTH || state.steps >= MAX_SEARCH_STEPS {
            dead(state, path, Dead::Exhausted { last });
            return None;
        }
        let named = self.named_issuers(last, state.matching);
        let issuers = self.issuers(last, state.matching);
        // A self-signed leaf that the trust store holds (pinned) is its own anchor.
        let mut continued = false;
        for issuer in issuers {
            if path.contains(&issuer) {
                continue;
            }
            if self.same_certificate(issuer, last) && !is_anchor(issuer) {
                continue;
            }
            state.steps += 1;
            if state.steps >= MAX_SEARCH_STEPS {
                break;
            }
            continued = true;
            path.push(issuer);
            if is_anchor(issuer) {
                match state.accept {
                    Some(accept) if !accept(path) => {
                        if state.first_complete.is_none() {
                            state.first_complete = Some(path.clone());
                        }
                        path.pop();
                        continue;
                    }
                    _ => return Some(path.clone()),
                }
            }
            if let Some(found) = self.extend(path, is_anchor, state) {
                return Some(found);
            }
            path.pop();
        }
        if continued {
            return None;
        }
        let same_key_id = named.iter().copied().find(|&i| {
            !path.contains(&i)
                && self
                    .certificate(last)
                    .zip(self.certificate(i))
                    .is_some_and(|(s, c)| {
                        s.authority_key_id.is_some() && s.authority_key_id == c.subject_key_id
                    })
        });
        let reason = if self.is_self_signed(last) {
            Dead::UntrustedRoot { root: last }
        } else if let Some(issuer) = same_key_id {
            Dead::BadSignature { last, issuer }
        } else if named.iter().any(|&i| !path.contains(&i)) {
            Dead::IssuerKeyMismatch {
                last,
                candidates: named.into_iter().filter(|i| !path.contains(i)).collect(),
            }
        } else {
            Dead::IssuerNotFound { last }
        };
        dead(state, path, reason);
        None
    }

    pub fn same_certificate(&self, a: usize, b: usize) -> bool {
        match (self.certificate(a), self.certificate(b)) {
            (Some(x), Some(y)) => x.der == y.der,
            _ => false,
        }
    }
}

/// A test every complete path must pass (see [`Graph::search_accepting`]).
pub type Acceptor<'a> = dyn Fn(&[usize]) -> bool + 'a;

struct SearchState<'a> {
    matching: NameMatching,
    steps: usize,
    best: Option<(Vec<usize>, Dead)>,
    /// Complete paths must also pass this, when given.
    accept: Option<&'a Acceptor<'a>>,
    first_complete: Option<Vec<usize>>,
}

fn dead_rank(dead: &Dead) -> u8 {
    match dead {
        Dead::Exhausted { .. } => 0,
        Dead::IssuerNotFound { .. } => 1,
        Dead::UntrustedRoot { .. } => 2,
        Dead::IssuerKeyMismatch { .. } => 3,
        Dead::BadSignature { .. } => 4,
    }
}

/// Chooses the client certificate: a certificate of the client input that issued no other
/// certificate there. When several qualify, the one whose private key was given wins, then an
/// end-entity certificate over a CA, then the first in input order — so that the order of the
/// bundle never changes the choice.
pub fn client_certificate(graph: &Graph<'_>, has_key: &dyn Fn(usize) -> bool) -> Option<usize> {
    let client: Vec<usize> = (0..graph.entries().len())
        .filter(|&i| graph.side(i) == Some(Side::Client))
        .collect();
    client
        .iter()
        .copied()
        .filter(|&candidate| {
            !graph.issued_by_name(candidate).iter().any(|&other| {
                graph.side(other) == Some(Side::Client)
                    && !graph.same_certificate(other, candidate)
                    && graph.issued(candidate, other)
            })
        })
        .min_by_key(|&candidate| {
            (
                !has_key(candidate),
                graph.certificate(candidate).is_some_and(Certificate::is_ca),
                candidate,
            )
        })
        .or_else(|| client.first().copied())
}
