//! The command-line tool (SPEC "Command-line contract"): `check`, `probe`, `explain`, `completions`.
//! Arguments are read by clap; exit status 0 accepted, 1 rejected, 2 input or usage error, 3
//! incomplete.

use std::io::Read as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};
use mtls_inspector::inspect::{Listing, borrow_inputs};
use mtls_inspector::request::CertificateRequest;
use mtls_inspector::server::ServerKind;
use mtls_inspector::{Options, Profile, Report, Side, Usage, Verdict, inspect};

/// Would this client certificate be accepted by my server, and if not, why?
#[derive(Parser)]
#[command(
    name = "mtls-inspector",
    version,
    after_help = "Exit status: 0 accepted, 1 rejected, 2 input or usage error, 3 incomplete."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect what a client presents against the server's trusted CAs
    Check(Check),
    /// Ask a live server: what it requests, what it answers to this client, and why
    Probe(ProbeArgs),
    /// Say what a message a server or client printed means, and what to check
    Explain {
        /// The log line (several words are joined with spaces)
        #[arg(required = true, num_args = 1..)]
        line: Vec<String>,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

#[derive(Parser)]
struct Check {
    /// What the client presents: certificate(s), its key, PKCS#12, keystores ('-' = stdin)
    #[arg(required = true, value_name = "CLIENT_FILE")]
    client: Vec<String>,
    /// The server's trusted CAs (e.g. nginx ssl_client_certificate)
    #[arg(long, value_name = "FILE")]
    trust: Vec<String>,
    /// Certificate revocation lists the server is configured with
    #[arg(long, value_name = "FILE")]
    crl: Vec<String>,
    /// OCSP responses the server's responder gives for the client's certificates (DER, PEM, or
    /// `openssl ocsp -resp_text` output)
    #[arg(long, value_name = "FILE")]
    ocsp: Vec<String>,
    /// The server's configuration (nginx): its profile takes its settings from it, and the
    /// report says what the server derives from the certificate (repeatable: PostgreSQL's
    /// pg_hba.conf, pg_ident.conf and postgresql.conf together)
    #[arg(long, value_name = "FILE")]
    server_config: Vec<String>,
    /// Read every --server-config as this server's (default: recognised by content)
    #[arg(long, value_enum, value_name = "KIND")]
    server_kind: Option<ServerKindName>,
    /// The user the client logs in as (PostgreSQL); default: the certificate's name
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// Validation time, RFC 3339 (default: now)
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    at: Option<i64>,
    /// Decide with these profiles only (repeatable; default: all)
    #[arg(long, value_enum, value_name = "NAME")]
    profile: Vec<ProfileName>,
    /// The extended key usage to require
    #[arg(long, value_enum, default_value_t = UsageName::Client)]
    usage: UsageName,
    /// Passwords for PKCS#12 files, encrypted keys and Java keystores, one per line, each tried
    /// on every protected input (never printed)
    #[arg(long, value_name = "FILE")]
    password_file: Option<String>,
    /// What `openssl s_client -connect HOST:PORT` printed against the server: its
    /// CertificateRequest says whether each client stack would send the certificate
    #[arg(long, value_name = "FILE")]
    s_client: Option<String>,
    /// List every trusted certificate (default: those no path uses are only counted)
    #[arg(long)]
    all_certificates: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileName {
    Webpki,
    Openssl,
    Nginx,
    Go,
    Java,
}

impl From<ProfileName> for Profile {
    fn from(name: ProfileName) -> Self {
        match name {
            ProfileName::Webpki => Profile::Webpki,
            ProfileName::Openssl => Profile::Openssl,
            ProfileName::Nginx => Profile::Nginx,
            ProfileName::Go => Profile::Go,
            ProfileName::Java => Profile::Java,
        }
    }
}

#[derive(Parser)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct ProbeArgs {
    /// The server, HOST:PORT
    #[arg(value_name = "HOST:PORT")]
    address: String,
    /// What the client presents: its certificate(s) and key, a PKCS#12 file… (none: only ask
    /// what the server requests)
    #[arg(value_name = "CLIENT_FILE")]
    client: Vec<String>,
    /// The name to send as SNI and to check the server's certificate against (default: HOST)
    #[arg(long, value_name = "NAME")]
    sni: Option<String>,
    /// The server's trusted CAs: the client files are inspected against them, and the server's
    /// own certificate is checked with them for serverAuth
    #[arg(long, value_name = "FILE")]
    trust: Vec<String>,
    /// Passwords for PKCS#12 files and encrypted keys, one per line (never printed)
    #[arg(long, value_name = "FILE")]
    password_file: Option<String>,
    /// Seconds to wait for the connection and for each answer
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    timeout: u64,
    /// Offer only this TLS version
    #[arg(long, value_enum, value_name = "VERSION")]
    tls: Option<TlsName>,
    /// Do not send `HEAD /` after the handshake (for servers that do not speak HTTP)
    #[arg(long)]
    no_http: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
enum TlsName {
    #[value(name = "1.2")]
    V12,
    #[value(name = "1.3")]
    V13,
}

#[derive(Clone, Copy, ValueEnum)]
enum ServerKindName {
    Nginx,
    Apache,
    Haproxy,
    Postgresql,
    Mosquitto,
    Envoy,
    Kubernetes,
}

impl From<ServerKindName> for ServerKind {
    fn from(name: ServerKindName) -> Self {
        match name {
            ServerKindName::Nginx => ServerKind::Nginx,
            ServerKindName::Apache => ServerKind::Apache,
            ServerKindName::Haproxy => ServerKind::Haproxy,
            ServerKindName::Postgresql => ServerKind::Postgresql,
            ServerKindName::Mosquitto => ServerKind::Mosquitto,
            ServerKindName::Envoy => ServerKind::Envoy,
            ServerKindName::Kubernetes => ServerKind::Kubernetes,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum UsageName {
    /// clientAuth
    Client,
    /// serverAuth, to inspect a server's own chain the same way
    Server,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    #[value(alias = "md")]
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

fn parse_time(text: &str) -> Result<i64, String> {
    mtls_inspector::rfc3339::parse(text).ok_or_else(|| {
        format!(
            "`{text}` is not an RFC 3339 time with a valid date and a Z or ±HH:MM offset \
             (e.g. 2026-06-01T12:00:00Z)"
        )
    })
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `explain`: what a log line means, the diagnoses behind it and what to check.
fn explain(line: &[String]) -> ExitCode {
    let message = line.join(" ");
    let found = mtls_inspector::messages::explain(&message);
    if found.is_empty() {
        println!("No known message matches. Inspect the certificates with `mtls-inspector check`.");
        return ExitCode::from(1);
    }
    for known in found {
        println!(
            "Matches what {} prints, e.g.: {}",
            known.printed_by, known.example
        );
        println!("  Means: {}", known.meaning);
        for code in known.codes {
            println!("  Possible diagnosis: {code}");
        }
        println!("  Check: {}", known.checks);
        println!("  (wording confirmed against: {})\n", known.confirmed);
    }
    ExitCode::SUCCESS
}

/// One password per line, line endings (LF or CRLF) removed; as `openssl -passin file:` reads
/// the first line, a one-line file works the same with both.
fn password_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

/// The client inputs of which nothing at all could be read (and not for want of a password).
fn unreadable_client_inputs(report: &Report) -> Vec<String> {
    use mtls_inspector::diagnosis::Code;
    report
        .inputs
        .iter()
        .filter(|input| input.side == Side::Client)
        .filter(|input| input.certificates + input.crls + input.private_keys == 0)
        .filter(|input| {
            !report.findings.iter().any(|f| {
                f.location.as_ref().is_some_and(|l| l.source == input.name)
                    && matches!(
                        f.code,
                        Code::EncryptedPrivateKey | Code::Pkcs12NeedsPassword | Code::WrongPassword
                    )
            })
        })
        .map(|input| input.name.clone())
        .collect()
}

fn check(command: Check) -> Result<ExitCode, String> {
    let passwords = match &command.password_file {
        Some(path) => password_lines(&read(path)?),
        None => Vec::new(),
    };
    let certificate_request = match &command.s_client {
        Some(path) => {
            let text = String::from_utf8_lossy(&read(path)?).into_owned();
            Some(CertificateRequest::from_s_client(&text).ok_or_else(|| {
                format!(
                    "{path} has no CertificateRequest (no \"Acceptable client certificate CA \
                     names\" or \"Requested Signature Algorithms\"): did the server ask for a \
                     client certificate?"
                )
            })?)
        }
        None => None,
    };
    let mut files: Vec<(Side, String, Vec<u8>)> = Vec::new();
    for path in &command.client {
        let name = if path == "-" { "stdin" } else { path };
        files.push((Side::Client, name.to_owned(), read(path)?));
    }
    for path in command
        .trust
        .iter()
        .chain(&command.crl)
        .chain(&command.ocsp)
    {
        files.push((Side::Trust, path.clone(), read(path)?));
    }
    let mut server_configs = Vec::new();
    for path in &command.server_config {
        server_configs.push((path.clone(), read(path)?));
    }
    let options = Options {
        time: command.at.unwrap_or_else(now),
        usage: match command.usage {
            UsageName::Client => Usage::Client,
            UsageName::Server => Usage::Server,
        },
        profiles: command.profile.into_iter().map(Profile::from).collect(),
        passwords,
        certificate_request,
        server_configs,
        server_kind: command.server_kind.map(ServerKind::from),
        listing: if command.all_certificates {
            Listing::All
        } else {
            Listing::Used
        },
        user: command.user.clone(),
        ..Options::at(0)
    };
    let report = inspect(&borrow_inputs(&files), &options);
    let no_server = !command.server_config.is_empty() && report.server.is_none();
    let unreadable = unreadable_client_inputs(&report);
    let code = match report.verdict {
        Verdict::Accepted => 0,
        Verdict::Rejected => 1,
        Verdict::Incomplete => 3,
    };
    let output = match command.format {
        Format::Text => report.to_text(),
        Format::Json => report.into_json() + "\n",
        Format::Markdown => report.to_markdown(),
    };
    emit(&output);
    if no_server {
        return Err(format!(
            "{} is not a server configuration this tool reads (nginx, Apache httpd, HAProxy, \
             PostgreSQL, Mosquitto, Envoy, kube-apiserver's flags)",
            mtls_inspector::escape::visible(&command.server_config.join(", "))
        ));
    }
    if !unreadable.is_empty() {
        return Err(format!(
            "nothing could be read from {}",
            mtls_inspector::escape::visible(&unreadable.join(", "))
        ));
    }
    Ok(ExitCode::from(code))
}

#[cfg(target_arch = "wasm32")]
fn probe(_: ProbeArgs) -> Result<ExitCode, String> {
    Err("probe opens sockets: it runs in the native build only".to_owned())
}

#[cfg(not(target_arch = "wasm32"))]
fn probe(command: ProbeArgs) -> Result<ExitCode, String> {
    use mtls_inspector::probe::{ProbeReport, Target, TlsVersion};

    let passwords = match &command.password_file {
        Some(path) => password_lines(&read(path)?),
        None => Vec::new(),
    };
    let mut client = Vec::new();
    for path in &command.client {
        let name = if path == "-" { "stdin" } else { path };
        client.push((name.to_owned(), read(path)?));
    }
    let mut trust = Vec::new();
    for path in &command.trust {
        trust.push((path.clone(), read(path)?));
    }
    let material = mtls_inspector::probe::client_material(&client, &passwords);
    if !client.is_empty() && material.is_none() {
        return Err(
            "the client files hold no private key with its certificate: give both (the key \
             signs the handshake)"
                .to_owned(),
        );
    }
    let anchors = trust
        .iter()
        .flat_map(|(name, bytes)| {
            mtls_inspector::decode::decode_with(name, bytes, &passwords).items
        })
        .filter_map(|item| match item.content {
            mtls_inspector::decode::Content::Certificate(der) => Some(der.into()),
            _ => None,
        })
        .collect();
    let target = Target {
        address: command.address.clone(),
        sni: command.sni.clone(),
        timeout: std::time::Duration::from_secs(command.timeout.max(1)),
        tls: command.tls.map(|v| match v {
            TlsName::V12 => TlsVersion::V12,
            TlsName::V13 => TlsVersion::V13,
        }),
        client: material,
        trust: anchors,
        http: !command.no_http,
    };
    let probed = mtls_inspector::probe::probe(&target);
    // The same files inspected offline, with what the server asked for.
    let report = (!client.is_empty()).then(|| {
        let mut files: Vec<(Side, String, Vec<u8>)> = client
            .iter()
            .map(|(name, bytes)| (Side::Client, name.clone(), bytes.clone()))
            .collect();
        files.extend(
            trust
                .iter()
                .map(|(name, bytes)| (Side::Trust, name.clone(), bytes.clone())),
        );
        let options = Options {
            passwords: passwords.clone(),
            certificate_request: probed.certificate_request.clone(),
            listing: Listing::Used,
            ..Options::at(now())
        };
        inspect(&borrow_inputs(&files), &options)
    });
    let code = mtls_inspector::probe::exit_code(&probed);
    let combined = ProbeReport::new(probed, report);
    emit(&match command.format {
        Format::Text => combined.render(false),
        Format::Markdown => combined.render(true),
        Format::Json => combined.to_json(),
    });
    Ok(ExitCode::from(code))
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn emit(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let rendered = error.render().to_string();
            eprint!(
                "mtls-inspector: {}",
                rendered.strip_prefix("error: ").unwrap_or(&rendered)
            );
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check(command) => check(command),
        Command::Probe(command) => probe(command),
        Command::Explain { line } => Ok(explain(&line)),
        Command::Completions { shell } => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mtls-inspector", &mut script);
            emit(&String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|message| {
        eprintln!("mtls-inspector: {message}");
        ExitCode::from(2)
    })
}
