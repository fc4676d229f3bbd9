//! RFC 5280 4.2.1.10 name constraints, with each stack's treatment of the subject's common
//! name.

use super::*;
use crate::read::names;

/// How an implementation treats a subject common name under name constraints.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommonName {
    /// Ignored (Go).
    Ignored,
    /// The client certificate's CN, when it looks like a host name and there is no DNS name
    /// (OpenSSL).
    HostWithoutDns,
    /// Every constrained certificate's CN: as an IP address when it is one and there is no IP
    /// name, else as a DNS name when there is no DNS name (Java's NameConstraintsExtension).
    Java,
}

/// RFC 5280 4.2.1.10 name constraints as OpenSSL applies them: each CA's constraints bind every
/// certificate below it (self-issued intermediates excepted), for DNS names, e-mail addresses,
/// IP addresses and URIs in the subjectAltName, and the common name as `common_name` says.
pub(crate) fn name_constraints(
    context: &Context<'_>,
    path: &[usize],
    common_name: CommonName,
    out: &mut Vec<Violation>,
) {
    for (ca_position, &ca_index) in path.iter().enumerate().skip(1) {
        let Some(constraints) = context
            .certificate(ca_index)
            .and_then(|c| c.name_constraints.as_ref())
        else {
            continue;
        };
        for (position, &index) in path.iter().enumerate().take(ca_position) {
            let Some(cert) = context.certificate(index) else {
                continue;
            };
            if position > 0 && cert.is_self_issued() {
                continue;
            }
            let mut names: Vec<String> = cert.subject_alt_names.clone();
            let has = |kind: &str| names.iter().any(|n| n.starts_with(kind));
            let (has_dns, has_ip) = (has("DNS:"), has("IP:"));
            let is_ip = |cn: &str| cn.parse::<std::net::IpAddr>().is_ok();
            match (common_name, cert.common_name.as_deref()) {
                (CommonName::HostWithoutDns, Some(cn))
                    if position == 0 && !has_dns && looks_like_host(cn) =>
                {
                    names.push(format!("DNS:{cn}"));
                }
                // An IP address in the CN counts only when there is no IP name, and never as
                // a DNS name.
                (CommonName::Java, Some(cn)) if is_ip(cn) && !has_ip => {
                    names.push(format!("IP:{cn}"));
                }
                (CommonName::Java, Some(cn)) if is_ip(cn) => {}
                (CommonName::Java, Some(cn)) if !has_dns && looks_like_dns_name(cn) => {
                    names.push(format!("DNS:{cn}"));
                }
                _ => {}
            }
            // OpenSSL and Java bind the subject too: its directory name to directoryName
            // subtrees, its emailAddress attributes to e-mail ones (Go refuses directoryName
            // constraints when it parses them, and reads no subject attribute).
            // Java reads the subject's e-mail attributes only when there is no subject
            // alternative name.
            let subject_email = match common_name {
                CommonName::Ignored => false,
                CommonName::HostWithoutDns => true,
                CommonName::Java => cert.subject_alt_names.is_empty(),
            };
            if subject_email {
                names.extend(
                    names::attribute_values(&cert.subject_raw, names::EMAIL_ADDRESS)
                        .iter()
                        .map(|email| format!("email:{}", String::from_utf8_lossy(email))),
                );
            }
            if common_name != CommonName::Ignored
                && let Some(reason) = directory_violation(cert, constraints)
            {
                out.push(
                    Violation::new(Code::NameConstraintsViolated, index)
                        .related(ca_index)
                        .value(&reason),
                );
            }
            for name in names {
                if let Some(reason) =
                    constraint_violation(&name, &constraints.permitted, &constraints.excluded)
                {
                    out.push(
                        Violation::new(Code::NameConstraintsViolated, index)
                            .related(ca_index)
                            .value(&reason),
                    );
                }
            }
        }
    }
}

/// Why the subject's directory name breaks the directoryName subtrees, if it does (OpenSSL's
/// `nc_dn`: a subtree's RDNs must begin the name; an empty subject is not checked).
fn directory_violation(
    cert: &crate::certificate::Certificate,
    constraints: &crate::certificate::NameConstraints,
) -> Option<String> {
    let subject = cert.subject_canonical.as_ref().filter(|s| !s.is_empty())?;
    let within = |base: &Option<names::OpensslCanonical>| {
        base.as_ref().is_some_and(|base| subject.within(base))
    };
    if let Some((text, _)) = constraints.excluded_names.iter().find(|(_, b)| within(b)) {
        return Some(format!(
            "the subject {} is in the excluded subtree {text}",
            cert.subject()
        ));
    }
    let permitted = &constraints.permitted_names;
    (!permitted.is_empty() && !permitted.iter().any(|(_, b)| within(b))).then(|| {
        format!(
            "the subject {} is outside the permitted subtrees {}",
            cert.subject(),
            permitted
                .iter()
                .map(|(text, _)| text.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// What Java's DNSName accepts: letters, digits and hyphens in dot-separated labels.
fn looks_like_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn looks_like_host(name: &str) -> bool {
    name.contains('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '*')
}

/// Why `name` (`DNS:…`, `email:…`, `IP:…`, `URI:…`) breaks the constraints, if it does.
fn constraint_violation(name: &str, permitted: &[String], excluded: &[String]) -> Option<String> {
    let (kind, value) = name.split_once(':')?;
    let same_kind = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter_map(|c| c.split_once(':'))
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| v.to_owned())
            .collect()
    };
    let matches = |constraint: &str| match kind {
        "DNS" => dns_within(value, constraint),
        "email" => email_within(value, constraint),
        "URI" => uri_host(value).is_some_and(|host| uri_within(&host, constraint)),
        "IP" => ip_within(value, constraint),
        _ => false,
    };
    if !matches!(kind, "DNS" | "email" | "URI" | "IP") {
        return None;
    }
    if let Some(excluded) = same_kind(excluded).iter().find(|c| matches(c)) {
        return Some(format!(
            "{name} is in the excluded subtree {kind}:{excluded}"
        ));
    }
    let permitted = same_kind(permitted);
    if !permitted.is_empty() && !permitted.iter().any(|c| matches(c)) {
        return Some(format!(
            "{name} is outside the permitted subtrees {}",
            permitted
                .iter()
                .map(|p| format!("{kind}:{p}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    None
}

fn dns_within(name: &str, constraint: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let constraint = constraint.trim_end_matches('.').to_ascii_lowercase();
    if constraint.is_empty() {
        return true;
    }
    if let Some(suffix) = constraint.strip_prefix('.') {
        return name.ends_with(&format!(".{suffix}"));
    }
    name == constraint || name.ends_with(&format!(".{constraint}"))
}

fn email_within(address: &str, constraint: &str) -> bool {
    let address = address.to_ascii_lowercase();
    let constraint = constraint.to_ascii_lowercase();
    if constraint.contains('@') {
        return address == constraint;
    }
    let Some((_, host)) = address.rsplit_once('@') else {
        return false;
    };
    match constraint.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == constraint,
    }
}

fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?;
    Some(host.to_ascii_lowercase())
}

fn uri_within(host: &str, constraint: &str) -> bool {
    let constraint = constraint.to_ascii_lowercase();
    match constraint.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == constraint,
    }
}

fn ip_within(address: &str, constraint: &str) -> bool {
    let Ok(address) = address.parse::<std::net::IpAddr>() else {
        return false;
    };
    let Some((network, mask)) = constraint.split_once('/') else {
        return false;
    };
    match (
        address,
        network.parse::<std::net::IpAddr>(),
        mask.parse::<std::net::IpAddr>(),
    ) {
        (std::net::IpAddr::V4(a), Ok(std::net::IpAddr::V4(n)), Ok(std::net::IpAddr::V4(m))) => {
            let (a, n, m) = (u32::from(a), u32::from(n), u32::from(m));
            a & m == n & m
        }
        (std::net::IpAddr::V6(a), Ok(std::net::IpAddr::V6(n)), Ok(std::net::IpAddr::V6(m))) => {
            let (a, n, m) = (u128::from(a), u128::from(n), u128::from(m));
            a & m == n & m
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_match_constraints_by_label() {
        assert!(dns_within("a.example.com", "example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(dns_within("a.example.com", ".example.com"));
        assert!(!dns_within("example.com", ".example.com"));
    }

    #[test]
    fn ip_addresses_match_by_mask() {
        assert!(ip_within("10.1.2.3", "10.0.0.0/255.0.0.0"));
        assert!(!ip_within("11.1.2.3", "10.0.0.0/255.0.0.0"));
        assert!(!ip_within("not an ip", "10.0.0.0/255.0.0.0"));
    }

    #[test]
    fn violations_name_the_subtree() {
        let permitted = vec!["DNS:example.com".to_owned()];
        let reason = constraint_violation("DNS:evil.org", &permitted, &[]).unwrap();
        assert!(reason.contains("DNS:example.com"));
        assert!(constraint_violation("DNS:a.example.com", &permitted, &[]).is_none());
        assert!(constraint_violation("email:x@evil.org", &permitted, &[]).is_none());
        let excluded = vec!["email:.corp.example".to_owned()];
        assert!(constraint_violation("email:x@a.corp.example", &[], &excluded).is_some());
    }
}
