//! The command-line tool: `mtls-inspector check …` (SPEC "Command-line contract").

use mtls_inspector::inspect::borrow_inputs;
use std::io::Read as _;
use std::process::ExitCode;

use mtls_inspector::request::CertificateRequest;
use mtls_inspector::{Options, Profile, Side, Usage, Verdict, inspect};

const USAGE: &str = "\
mtls-inspector: would this client certificate be accepted by my server?

Usage:
  mtls-inspector explain LOG_LINE     (what a server or client message means, and what to check)
  mtls-inspector check [--trust FILE]... [--crl FILE]... [--at RFC3339] [--profile NAME]...
                       [--usage client|server] [--password-file FILE] [--s-client FILE]
                       [--format text|json|markdown] CLIENT_FILE...

  CLIENT_FILE        what the client presents: certificate(s), optionally its key ('-' = stdin)
  --trust FILE       the server's trusted CAs (e.g. nginx ssl_client_certificate)
  --crl FILE         certificate revocation lists
  --at TIME          validation time, RFC 3339 (default: now)
  --profile NAME     webpki, openssl, nginx, go or java (repeatable; default: all)
  --usage USAGE      client (clientAuth, default) or server (serverAuth)
  --password-file F  passwords for PKCS#12 files, encrypted keys and Java keystores: one per
                     line, each tried on every protected input (never printed)
  --s-client FILE    output of `openssl s_client -connect HOST:PORT` against the server: its
                     CertificateRequest says whether each client stack would send the certificate
  --format FORMAT    text (default), json or markdown

Exit status: 0 accepted, 1 rejected, 2 input or usage error, 3 incomplete.
";

#[derive(Debug, PartialEq)]
enum Format {
    Text,
    Json,
    Markdown,
}

struct Command {
    client: Vec<String>,
    trust: Vec<String>,
    crls: Vec<String>,
    at: Option<String>,
    profiles: Vec<Profile>,
    usage: Usage,
    password_file: Option<String>,
    s_client: Option<String>,
    format: Format,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut command = Command {
        client: Vec::new(),
        trust: Vec::new(),
        crls: Vec::new(),
        at: None,
        profiles: Vec::new(),
        usage: Usage::Client,
        password_file: None,
        s_client: None,
        format: Format::Text,
    };
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("check") => {}
        Some(other) => {
            return Err(format!(
                "unknown command `{other}` (expected `check` or `explain`)"
            ));
        }
        None => return Err("missing command `check`".into()),
    }
    let mut only_files = false;
    while let Some(arg) = iter.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            command.client.push(arg.clone());
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--" => only_files = true,
            "--trust" => command.trust.push(value(flag)?),
            "--crl" => command.crls.push(value(flag)?),
            "--at" => command.at = Some(value(flag)?),
            "--profile" => {
                let name = value(flag)?;
                let profile = Profile::from_name(&name).ok_or_else(|| {
                    format!(
                        "unknown profile `{name}` (expected webpki, openssl, nginx, go or java)"
                    )
                })?;
                command.profiles.push(profile);
            }
            "--usage" => {
                command.usage = match value(flag)?.as_str() {
                    "client" => Usage::Client,
                    "server" => Usage::Server,
                    other => {
                        return Err(format!(
                            "unknown usage `{other}` (expected client or server)"
                        ));
                    }
                }
            }
            "--password-file" => command.password_file = Some(value(flag)?),
            "--s-client" => command.s_client = Some(value(flag)?),
            "--format" => {
                command.format = match value(flag)?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "markdown" | "md" => Format::Markdown,
                    other => {
                        return Err(format!(
                            "unknown format `{other}` (expected text, json or markdown)"
                        ));
                    }
                }
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if command.client.is_empty() {
        return Err("no CLIENT_FILE given".into());
    }
    Ok(command)
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

fn parse_time(text: &str) -> Result<i64, String> {
    mtls_inspector::rfc3339::parse(text).ok_or_else(|| {
        format!(
            "--at `{text}` is not an RFC 3339 time with a valid date and a Z or ±HH:MM offset \
             (e.g. 2026-06-01T12:00:00Z)"
        )
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `explain`: what a log line means, the diagnoses behind it and what to check.
fn explain(args: &[String]) -> Result<ExitCode, String> {
    let message = args.get(1..).unwrap_or_default().join(" ");
    if message.trim().is_empty() {
        return Err("explain needs the log line to explain".into());
    }
    let found = mtls_inspector::explain::explain(&message);
    if found.is_empty() {
        println!("No known message matches. Inspect the certificates with `mtls-inspector check`.");
        return Ok(ExitCode::from(1));
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
    Ok(ExitCode::SUCCESS)
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

fn run(args: &[String]) -> Result<ExitCode, String> {
    if args.first().map(String::as_str) == Some("explain") {
        return explain(args);
    }
    let command = parse(args)?;
    let time = match &command.at {
        Some(text) => parse_time(text)?,
        None => now(),
    };
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
        let name = if path == "-" {
            "stdin".to_owned()
        } else {
            path.clone()
        };
        files.push((Side::Client, name, read(path)?));
    }
    for path in command.trust.iter().chain(&command.crls) {
        files.push((Side::Trust, path.clone(), read(path)?));
    }
    let inputs = borrow_inputs(&files);
    let options = Options {
        time,
        usage: command.usage,
        profiles: command.profiles,
        passwords,
        certificate_request,
    };
    let report = inspect(&inputs, &options);
    let output = match command.format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json() + "\n",
        Format::Markdown => report.to_markdown(),
    };
    print!("{output}");
    Ok(match report.verdict {
        Verdict::Accepted => ExitCode::from(0),
        Verdict::Rejected => ExitCode::from(1),
        Verdict::Incomplete => ExitCode::from(3),
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return if args.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    if args.iter().any(|a| a == "--version" || a == "-V") {
        println!("mtls-inspector {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mtls-inspector: {message}");
            eprintln!("Run `mtls-inspector --help` for usage.");
            ExitCode::from(2)
        }
    }
}
