//! The product against real servers on 127.0.0.1: for each server, several generated
//! configurations and a set of client certificates, each handshake made by a real client, and
//! the product, given the same configuration text and files, must predict every outcome:
//! accepted or refused, the identity the server reports, and the line it logs.
//!
//! The servers run under libfaketime at the suite's fixed time (`NOW`), so that the
//! certificates' dates mean the same to them as to the product.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{DAY, NOW, Node, at, ca, client, issue, key, self_signed};
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::{Options, Profile, Report, Side, Verdict, inspect};
use rcgen::{DnType, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose, SerialNumber};

/// A server process, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    /// Every server runs in a process group of its own (`in_own_group`): the group is asked to
    /// stop (SIGTERM), then killed (SIGKILL) when the server has not exited within 5 s. SIGKILL to
    /// the server's first process alone left its workers running (~45 Apache processes, nginx
    /// workers, PostgreSQL under runuser, after every run, measured); SIGTERM to Apache in the
    /// test's own group stopped the test too, as Apache signals its whole process group.
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        for _ in 0..50 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        signal("-KILL");
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `command` as the first process of a new process group, for [`Running`] to stop.
fn in_own_group(command: &mut Command) -> std::io::Result<Child> {
    use std::os::unix::process::CommandExt as _;
    command.process_group(0).spawn()
}

/// One live server at a time: `free_port` hands out a port that is free now, and two servers
/// starting at once could both be given it (measured: nginx and Mosquitto then exit at start).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    // A test that failed still leaves the next one its turn.
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// Waits until something accepts connections on `port`; `Err` when the server exits first or
/// nothing listens after 5 s.
fn wait_for(port: u16, child: &mut Child) -> Result<(), String> {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server exited ({status})"));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(format!("nothing listens on port {port}"))
}

/// Starts a server whose configuration `start` writes for a port (and gives its command),
/// and returns the port and the running server. `free_port` hands out a port that is free
/// now; should the server find it taken when it binds, it exits at start and is started again
/// on another port, up to three times. What it printed is in the panic otherwise.
fn launch(dir: &Path, log: &Path, mut start: impl FnMut(u16) -> Command) -> (u16, Running) {
    let stderr = dir.join("stderr.log");
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    let mut failures = Vec::new();
    for _ in 0..3 {
        let port = free_port();
        let mut command = start(port);
        command.stderr(std::fs::File::create(&stderr).unwrap());
        let mut child = in_own_group(&mut command).unwrap();
        match wait_for(port, &mut child) {
            Ok(()) => {
                if !failures.is_empty() {
                    println!("the server started after: {failures:#?}");
                }
                return (port, Running(child));
            }
            Err(why) => {
                drop(Running(child));
                failures.push(format!(
                    "port {port}: {why}: {} {}",
                    read(&stderr),
                    read(log)
                ));
            }
        }
    }
    panic!("the server does not start: {failures:#?}");
}

/// `command` run under libfaketime at the suite's time: the multithreaded library preloaded
/// directly, its clock starting at `NOW` (not through the `faketime` wrapper, which stays the
/// parent of the server: killing it left the server running — 306 Apache processes were left
/// here by earlier runs).
fn at_now(program: &str) -> Command {
    remove_leaked_faketime_state();
    let mut command = Command::new(program);
    command.envs(common::faketime_env(NOW));
    command
}

/// libfaketime keeps the clock of a process tree in a semaphore and a shared memory object named
/// by a PID (`/dev/shm/sem.faketime_sem_<pid>`, `/dev/shm/faketime_shm_<pid>`) and leaves them
/// behind when the process is killed, as these tests stop their servers. A later process given
/// the same PID finds them, and as another user (PostgreSQL's `postgres`) cannot open them: the
/// server does not start (measured: 2,648 left here; "libfaketime: In ft_shm_init(), sem_open
/// failed … Permission denied"). Those of processes that no longer exist are removed before a
/// server starts (a process still using them keeps them open).
fn remove_leaked_faketime_state() {
    let Ok(entries) = std::fs::read_dir("/dev/shm") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let pid = name
            .strip_prefix("sem.faketime_sem_")
            .or_else(|| name.strip_prefix("faketime_shm_"))
            .filter(|pid| pid.parse::<u32>().is_ok());
        if let Some(pid) = pid
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A directory of its own for one server, holding copies of the suite's `files` (and what
/// `label` names: `nginx-1234`), readable by the user a server drops its privileges to.
fn server_dir(setup: &Setup, label: &str, files: &[&str]) -> PathBuf {
    let dir = setup.dir.join(label);
    std::fs::create_dir_all(&dir).unwrap();
    for file in files {
        std::fs::copy(setup.dir.join(file), dir.join(file)).unwrap();
    }
    Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(&setup.dir)
        .status()
        .unwrap();
    dir
}

/// Whether every program answers (`program`, an argument it takes), and faketime; the test
/// says what to install (and fails under `CI`) when one does not.
fn present(programs: &[(&str, &str)], install: &str) -> bool {
    let missing = programs
        .iter()
        .chain(&[("faketime", "--version")])
        .any(|(program, arg)| Command::new(program).arg(arg).output().is_err());
    if missing {
        common::stacks::missing(install);
    }
    !missing
}

/// One client: what it presents.
struct Client {
    name: &'static str,
    /// The client certificate and the intermediates it sends.
    chain: String,
    key: String,
}

/// The certificates of the suite, generated valid around `NOW`.
struct Setup {
    dir: PathBuf,
    clients: Vec<Client>,
}

fn serial(n: u64) -> Option<SerialNumber> {
    Some(SerialNumber::from(vec![0x40, (n >> 8) as u8, n as u8]))
}

fn node(params: rcgen::CertificateParams, issuer: &Node, n: u64) -> Node {
    let mut params = params;
    params.serial_number = serial(n);
    issue(params, key(), issuer)
}

fn setup(label: &str) -> Setup {
    let dir = common::temp_dir(label);
    let root = self_signed(ca("Live Root CA"), key());
    let issuing = node(ca("Live Issuing CA"), &root, 1);
    let second = node(ca("Live Second CA"), &issuing, 2);
    let mut not_ca = ca("Live Not-CA");
    not_ca.is_ca = IsCa::ExplicitNoCa;
    let not_ca = node(not_ca, &root, 3);
    let mut no_cert_sign = ca("Live No-CertSign CA");
    no_cert_sign.key_usages = vec![KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let no_cert_sign = node(no_cert_sign, &root, 4);
    let mut expired_ca = ca("Live Expired CA");
    expired_ca.not_after = at(NOW - DAY);
    let expired_ca = node(expired_ca, &root, 5);
    let other_root = self_signed(ca("Other Root CA"), key());
    let other_issuing = node(ca("Other Issuing CA"), &other_root, 6);

    let mut expired = client("expired");
    expired.not_after = at(NOW - DAY);
    let mut future = client("future");
    future.not_before = at(NOW + DAY);
    let mut server_eku = client("server-eku");
    server_eku.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let mut no_signature = client("no-signature");
    no_signature.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    let mut unicode = client("unicode");
    unicode.distinguished_name = rcgen::DistinguishedName::new();
    unicode.distinguished_name.push(DnType::CountryName, "FR");
    unicode
        .distinguished_name
        .push(DnType::OrganizationName, "Exémple, Inc");
    unicode
        .distinguished_name
        .push(DnType::CommonName, "élise+\"quoted\"");

    let chain = |leaf: &Node, cas: &[&Node]| {
        let mut pem = leaf.pem.clone();
        for ca in cas {
            pem.push_str(&ca.pem);
        }
        pem
    };
    let mut clients = Vec::new();
    let mut add = |name: &'static str, leaf: Node, cas: &[&Node]| {
        clients.push(Client {
            name,
            chain: chain(&leaf, cas),
            key: leaf.key_pem(),
        });
        leaf
    };
    add("good", node(client("good"), &issuing, 10), &[&issuing]);
    add(
        "two intermediates",
        node(client("deep"), &second, 11),
        &[&second, &issuing],
    );
    add(
        "intermediate not sent",
        node(client("alone"), &issuing, 12),
        &[],
    );
    add("expired", node(expired, &issuing, 13), &[&issuing]);
    add("not yet valid", node(future, &issuing, 14), &[&issuing]);
    add(
        "serverAuth only",
        node(server_eku, &issuing, 15),
        &[&issuing],
    );
    add(
        "no digitalSignature",
        node(no_signature, &issuing, 16),
        &[&issuing],
    );
    add(
        "issued by a CA:FALSE",
        node(client("under-not-ca"), &not_ca, 17),
        &[&not_ca],
    );
    add(
        "issuer without keyCertSign",
        node(client("under-no-cert-sign"), &no_cert_sign, 18),
        &[&no_cert_sign],
    );
    add(
        "expired intermediate",
        node(client("under-expired"), &expired_ca, 19),
        &[&expired_ca],
    );
    add(
        "another PKI",
        node(client("stranger"), &other_issuing, 20),
        &[&other_issuing],
    );
    let revoked = add(
        "revoked",
        node(client("revoked"), &issuing, 21),
        &[&issuing],
    );
    add("names to escape", node(unicode, &issuing, 22), &[&issuing]);
    let mut own = client("self-signed");
    own.serial_number = serial(23);
    let own = self_signed(own, key());
    add("self-signed", own, &[]);

    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write("root.pem", &root.pem);
    let crl =
        |issuer: &Node, revoked: &[&Node]| common::crl(issuer, revoked, NOW - DAY, NOW + 7 * DAY);
    let all_crls = [
        crl(&root, &[]),
        crl(&issuing, &[&revoked]),
        crl(&second, &[]),
        crl(&not_ca, &[]),
        crl(&no_cert_sign, &[]),
        crl(&expired_ca, &[]),
    ]
    .concat();
    write("crl.pem", &all_crls);
    write("root-crl-only.pem", &crl(&root, &[]));
    write("issuing-crl-only.pem", &crl(&issuing, &[&revoked]));
    // The server's own certificate, under a CA of its own.
    let server_ca = self_signed(ca("Live Server CA"), key());
    let mut server = client("localhost");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.serial_number = serial(99);
    let server = issue(server, key(), &server_ca);
    write("server.pem", &server.pem);
    write("server-ca.pem", &server_ca.pem);
    write("server.key", &server.key_pem());
    Setup { dir, clients }
}

/// What the product predicts for one client under one configuration.
fn predict(setup: &Setup, client: &Client, config: &str, crl_file: Option<&str>) -> Report {
    let mut files = vec![
        (
            Side::Client,
            "chain.pem".to_owned(),
            client.chain.clone().into_bytes(),
        ),
        (
            Side::Client,
            "key.pem".to_owned(),
            client.key.clone().into_bytes(),
        ),
        (
            Side::Trust,
            "root.pem".to_owned(),
            std::fs::read(setup.dir.join("root.pem")).unwrap(),
        ),
    ];
    if let Some(crl) = crl_file {
        files.push((
            Side::Trust,
            crl.to_owned(),
            std::fs::read(setup.dir.join(crl)).unwrap(),
        ));
    }
    let options = Options {
        server_configs: vec![("server.conf".to_owned(), config.as_bytes().to_vec())],
        ..Options::at(NOW)
    };
    inspect(&borrow_inputs(&files), &options)
}

/// One disagreement, said plainly.
fn differ(server: &str, config: &str, client: &str, what: &str) -> String {
    format!("{server} [{config}] {client}: {what}")
}

/// What a real server did with one client.
struct Observed {
    accepted: bool,
    /// How it answered, as the disagreement says it.
    answer: String,
    /// The line it logged about this client.
    logged: Option<String>,
    /// What the client printed, where its alert is compared.
    said: Option<String>,
    /// The identity it reported (named as the product names it), where compared.
    identity: Vec<(String, String)>,
}

/// The server `case` (server, configuration, client) against the product's prediction for
/// `profile`: the verdict, the log line, the client's alert and the identity; each difference
/// is a line in `disagreements`.
fn compare(
    case: (&str, &str, &str),
    observed: &Observed,
    report: &Report,
    profile: Profile,
    disagreements: &mut Vec<String>,
) {
    let (server_name, config, client) = case;
    let ours = report.profiles.iter().find(|p| p.name == profile).unwrap();
    let server = report.server.as_ref().expect("the configuration is read");
    println!(
        "{server_name} [{config}] {client}: {} {:?} {:?} / ours {:?} {:?} {:?} {:?} {:?}",
        observed.answer,
        observed.logged,
        observed.said.as_deref().map(str::trim),
        ours.verdict,
        ours.findings,
        server.log_line,
        server.client_sees,
        server.verify_errors
    );
    let mut add = |what: String| disagreements.push(differ(server_name, config, client, &what));
    if observed.accepted != (ours.verdict == Verdict::Accepted) {
        add(format!(
            "{} ({:?}), ours {:?} {:?}",
            observed.answer, observed.logged, ours.verdict, ours.findings
        ));
        return;
    }
    // nginx ends its line with what it was doing ("while reading client request headers").
    let head = |line: Option<&str>| line.map(|l| l.split(" while ").next().unwrap_or(l).to_owned());
    if head(observed.logged.as_deref()) != head(server.log_line.as_deref()) {
        add(format!(
            "logged {:?}, ours {:?}",
            observed.logged, server.log_line
        ));
    }
    if let (Some(said), Some(alert)) = (&observed.said, &server.client_sees)
        && !said.contains(alert.as_str())
    {
        add(format!("the client said {:?}, ours {alert:?}", said.trim()));
    }
    for (name, value) in &observed.identity {
        let predicted = server
            .identity
            .iter()
            .find(|f| &f.name == name)
            .map(|f| f.value.as_str());
        if predicted != Some(value.as_str()) {
            add(format!("{name} is {value:?}, ours {predicted:?}"));
        }
    }
}

/// Prints how many cases (of what: `(configuration, client)`) agreed, and every
/// disagreement; fails when there is one.
fn conclude(server: &str, cases: usize, of: &str, disagreements: &[String]) {
    println!(
        "{server}: {cases} {of} cases, {} disagreements",
        disagreements.len()
    );
    for line in disagreements {
        println!("  {line}");
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}

// ---------------------------------------------------------------------------------------------
// nginx

/// Debian's nginx (in /usr/sbin, which is not on every user's PATH).
const NGINX: &str = "/usr/sbin/nginx";

/// The nginx configurations tried: (name, directives of the server block, CRL file).
const NGINX_CONFIGS: &[(&str, &str, Option<&str>)] = &[
    ("on, default depth", "ssl_verify_client on;", None),
    (
        "on, depth 2",
        "ssl_verify_client on; ssl_verify_depth 2;",
        None,
    ),
    (
        "optional, depth 2",
        "ssl_verify_client optional; ssl_verify_depth 2;",
        None,
    ),
    (
        "optional_no_ca, depth 2",
        "ssl_verify_client optional_no_ca; ssl_verify_depth 2;",
        None,
    ),
    (
        "on, depth 2, CRLs",
        "ssl_verify_client on; ssl_verify_depth 2; ssl_crl DIR/crl.pem;",
        Some("crl.pem"),
    ),
    (
        "on, root CRL only",
        "ssl_verify_client on; ssl_crl DIR/root-crl-only.pem;",
        Some("root-crl-only.pem"),
    ),
];

const NGINX_ECHO: &str = "verify=$ssl_client_verify\\n\
s_dn=$ssl_client_s_dn\\n\
i_dn=$ssl_client_i_dn\\n\
s_dn_legacy=$ssl_client_s_dn_legacy\\n\
i_dn_legacy=$ssl_client_i_dn_legacy\\n\
serial=$ssl_client_serial\\n\
fingerprint=$ssl_client_fingerprint\\n";

fn nginx_config(dir: &Path, port: u16, directives: &str) -> String {
    let dir = dir.display();
    format!(
        "daemon off;\n\
         worker_processes 1;\n\
         pid {dir}/nginx.pid;\n\
         error_log {dir}/error.log info;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   client_body_temp_path {dir}/tmp;\n\
         \x20   proxy_temp_path {dir}/tmp;\n\
         \x20   fastcgi_temp_path {dir}/tmp;\n\
         \x20   uwsgi_temp_path {dir}/tmp;\n\
         \x20   scgi_temp_path {dir}/tmp;\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port} ssl;\n\
         \x20       ssl_protocols TLSv1.2 TLSv1.3;\n\
         \x20       ssl_certificate {dir}/server.pem;\n\
         \x20       ssl_certificate_key {dir}/server.key;\n\
         \x20       ssl_client_certificate {dir}/root.pem;\n\
         \x20       {}\n\
         \x20       location / {{ return 200 \"{NGINX_ECHO}\"; }}\n\
         \x20   }}\n\
         }}\n",
        directives.replace("DIR", &dir.to_string())
    )
}

/// What nginx answered one client: the HTTP status, the echoed variables, the line logged.
struct Answer {
    status: u16,
    variables: Vec<(String, String)>,
    logged: Option<String>,
}

/// The HTTP status (0 when the handshake failed), the body, and what curl said on failure.
fn curl(port: u16, dir: &Path, client: &Client) -> (u16, String, String) {
    std::fs::write(dir.join("client-chain.pem"), &client.chain).unwrap();
    std::fs::write(dir.join("client-key.pem"), &client.key).unwrap();
    let output = Command::new("curl")
        .args([
            "-sSk",
            "--cert",
            "client-chain.pem",
            "--key",
            "client-key.pem",
        ])
        .args(["-w", "\n%{http_code}"])
        .arg(format!("https://127.0.0.1:{port}/"))
        .current_dir(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    (
        status.trim().parse().unwrap_or(0),
        body.to_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A running nginx whose server block has `directives`: its directory, configuration text,
/// port and process.
fn start_nginx(setup: &Setup, directives: &str) -> (PathBuf, String, u16, Running) {
    let files = [
        "root.pem",
        "crl.pem",
        "root-crl-only.pem",
        "server.pem",
        "server.key",
    ];
    let dir = server_dir(setup, &format!("nginx-{}", free_port()), &files);
    let (config, port, running) = start_nginx_in(&dir, directives);
    (dir, config, port, running)
}

/// A running nginx in `dir` (which holds the files its configuration names) whose server
/// block has `directives`: its configuration text, port and process.
fn start_nginx_in(dir: &Path, directives: &str) -> (String, u16, Running) {
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let log = dir.join("error.log");
    let mut config = String::new();
    let (port, running) = launch(dir, &log, |port| {
        config = nginx_config(dir, port, directives);
        std::fs::write(dir.join("nginx.conf"), &config).unwrap();
        let mut command = at_now(NGINX);
        command
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-p")
            .arg(dir)
            .stdout(Stdio::null());
        command
    });
    (config, port, running)
}

/// The line nginx logged about a client in `log` after its first `before` bytes, from its
/// message on (what follows `, client:` cut).
fn nginx_logged(log: &Path, before: usize) -> Option<String> {
    let all = std::fs::read_to_string(log).unwrap_or_default();
    all.get(before..)
        .unwrap_or_default()
        .lines()
        .find_map(|line| {
            line.find("client SSL certificate verify error")
                .or_else(|| line.find("client sent no required SSL certificate"))
                .map(|at| {
                    let rest = line.get(at..).unwrap_or_default();
                    rest.split(", client:").next().unwrap_or(rest).to_owned()
                })
        })
}

fn nginx_answers(setup: &Setup, directives: &str) -> (String, Vec<Answer>) {
    let (dir, config, port, _running) = start_nginx(setup, directives);
    let log = dir.join("error.log");
    let mut answers = Vec::new();
    for client in &setup.clients {
        let before = std::fs::read_to_string(&log).unwrap_or_default().len();
        let (status, body, _) = curl(port, &dir, client);
        let logged = nginx_logged(&log, before);
        let variables = body
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (format!("$ssl_client_{k}"), v.to_owned()))
            .collect();
        answers.push(Answer {
            status,
            variables,
            logged,
        });
    }
    (config, answers)
}

#[test]
fn nginx_decides_logs_and_names_as_predicted() {
    let _turn = one_at_a_time();
    if !present(
        &[(NGINX, "-v")],
        "nginx and faketime (apt-get install nginx-light faketime)",
    ) {
        return;
    }
    let setup = setup("live-nginx");
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for (name, directives, crl_file) in NGINX_CONFIGS {
        let (config, answers) = nginx_answers(&setup, directives);
        for (client, answer) in setup.clients.iter().zip(answers) {
            cases += 1;
            let report = predict(&setup, client, &config, *crl_file);
            let observed = Observed {
                accepted: answer.status == 200,
                answer: format!("nginx answered {}", answer.status),
                logged: answer.logged,
                said: None,
                identity: answer.variables,
            };
            let case = ("nginx", *name, client.name);
            compare(case, &observed, &report, Profile::Nginx, &mut disagreements);
        }
    }
    conclude("nginx", cases, "(configuration, client)", &disagreements);
}

/// An OCSP responder on 127.0.0.1 that answers every request with the response in `answer`
/// (nginx asks with a GET, or a POST with a body), counting the requests: its port.
fn canned_ocsp_responder(
    answer: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    asked: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .ok();
            let mut reader = BufReader::new(&stream);
            let mut length = 0usize;
            let mut line = String::new();
            let mut request = false;
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line.trim().is_empty() {
                    break;
                }
                request = true;
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            if !request {
                continue;
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).ok();
            asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let der = answer.lock().unwrap().clone();
            let head = format!(
                "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                der.len()
            );
            let mut stream = &stream;
            stream.write_all(head.as_bytes()).ok();
            stream.write_all(&der).ok();
        }
    });
    port
}

/// nginx with `ssl_ocsp leaf` against a responder answering each OCSP corpus case's response:
/// what nginx does with each (the HTTP status, the line it logs) against the product given
/// the same configuration and the response as a file.
#[test]
fn nginx_ssl_ocsp_decides_the_ocsp_corpus_as_predicted() {
    use common::ocsp_corpus::ocsp_cases;
    let _turn = one_at_a_time();
    if !present(
        &[(NGINX, "-v")],
        "nginx and faketime (apt-get install nginx-light faketime)",
    ) {
        return;
    }
    // One response per case: the responder answers one.
    let cases: Vec<_> = ocsp_cases()
        .into_iter()
        .filter(|c| c.responses.len() == 1)
        .collect();
    let first = &cases[0];
    let answer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let responder = canned_ocsp_responder(answer.clone(), asked.clone());
    let dir = common::temp_dir("live-nginx-ocsp");
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    std::fs::write(dir.join("root.pem"), first.case.root_pems().concat()).unwrap();
    // The server's own certificate: any, from the corpus's root.
    let server_ca = self_signed(ca("OCSP Test Server CA"), key());
    let mut server_params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    server_params.not_before = at(NOW - DAY);
    server_params.not_after = at(NOW + 30 * DAY);
    let server = issue(server_params, key(), &server_ca);
    std::fs::write(dir.join("server.pem"), &server.pem).unwrap();
    std::fs::write(dir.join("server.key"), server.key_pem()).unwrap();
    Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(&dir)
        .status()
        .unwrap();
    let directives = format!(
        "ssl_verify_client on; ssl_verify_depth 2; ssl_ocsp leaf; \
         ssl_ocsp_responder http://127.0.0.1:{responder}/;"
    );
    let (config, port, _running) = start_nginx_in(&dir, &directives);
    let log = dir.join("error.log");
    let mut disagreements = Vec::new();
    for case in &cases {
        *answer.lock().unwrap() = case.responses[0].clone();
        let before_log = std::fs::read_to_string(&log).unwrap_or_default().len();
        let before_asked = asked.load(std::sync::atomic::Ordering::SeqCst);
        let client = Client {
            name: case.case.name,
            chain: [case.case.leaf_pem(), case.case.intermediate_pems().concat()].concat(),
            key: case.leaf_key.clone(),
        };
        let (status, _, _) = curl(port, &dir, &client);
        let logged = nginx_logged(&log, before_log);
        // nginx asked the responder about this client.
        if asked.load(std::sync::atomic::Ordering::SeqCst) == before_asked {
            disagreements.push(differ(
                "nginx",
                "ssl_ocsp leaf",
                case.case.name,
                "nginx did not ask the responder",
            ));
        }
        let files = vec![
            (
                Side::Client,
                "chain.pem".to_owned(),
                client.chain.clone().into_bytes(),
            ),
            (
                Side::Trust,
                "root.pem".to_owned(),
                case.case.root_pems().concat().into_bytes(),
            ),
            (
                Side::Trust,
                "response.der".to_owned(),
                case.responses[0].clone(),
            ),
        ];
        let options = Options {
            server_configs: vec![("nginx.conf".to_owned(), config.as_bytes().to_vec())],
            ..Options::at(NOW)
        };
        let report = inspect(&borrow_inputs(&files), &options);
        let observed = Observed {
            accepted: status == 200,
            answer: format!("nginx answered {status}"),
            logged,
            said: None,
            identity: Vec::new(),
        };
        let case = ("nginx", "ssl_ocsp leaf", case.case.name);
        compare(case, &observed, &report, Profile::Nginx, &mut disagreements);
    }
    conclude("nginx ssl_ocsp", cases.len(), "OCSP corpus", &disagreements);
}

// ---------------------------------------------------------------------------------------------
// HAProxy

/// Debian's HAProxy.
const HAPROXY: &str = "/usr/sbin/haproxy";

/// The HAProxy configurations tried: (name, options of the bind line, CRL file).
const HAPROXY_CONFIGS: &[(&str, &str, Option<&str>)] = &[
    ("verify required", "verify required", None),
    ("verify optional", "verify optional", None),
    (
        "verify required, CRLs",
        "verify required crl-file DIR/crl.pem",
        Some("crl.pem"),
    ),
    (
        "CA errors ignored",
        "verify required ca-ignore-err all",
        None,
    ),
    (
        "certificate errors 10 and 26 ignored",
        "verify required crt-ignore-err 10,26",
        None,
    ),
    ("verify none", "verify none", None),
];

const HAPROXY_ECHO: &[&str] = &[
    "ssl_c_verify",
    "ssl_c_ca_err",
    "ssl_c_ca_err_depth",
    "ssl_c_err",
    "ssl_c_s_dn",
    "ssl_c_i_dn",
    "ssl_c_serial,hex",
];

fn haproxy_config(dir: &Path, port: u16, options: &str) -> String {
    let dir = dir.display();
    let echo: String = HAPROXY_ECHO
        .iter()
        .map(|fetch| format!("{fetch}=%[{fetch}]\\n"))
        .collect();
    format!(
        "global\n\
         \x20   log stdout format raw local0 info\n\
         defaults\n\
         \x20   mode http\n\
         \x20   log global\n\
         \x20   option httplog\n\
         \x20   timeout connect 5s\n\
         \x20   timeout client 5s\n\
         \x20   timeout server 5s\n\
         frontend mtls\n\
         \x20   bind 127.0.0.1:{port} ssl crt {dir}/server-bundle.pem ca-file {dir}/root.pem {}\n\
         \x20   http-request return status 200 content-type text/plain lf-string \"{echo}\"\n",
        options.replace("DIR", &dir.to_string())
    )
}

#[test]
fn haproxy_decides_logs_and_names_as_predicted() {
    let _turn = one_at_a_time();
    if !present(
        &[(HAPROXY, "-v")],
        "haproxy and faketime (apt-get install haproxy faketime)",
    ) {
        return;
    }
    let setup = setup("live-haproxy");
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for (name, options, crl_file) in HAPROXY_CONFIGS {
        let dir = server_dir(
            &setup,
            &format!("haproxy-{}", free_port()),
            &["root.pem", "crl.pem"],
        );
        let bundle = std::fs::read_to_string(setup.dir.join("server.pem")).unwrap()
            + &std::fs::read_to_string(setup.dir.join("server.key")).unwrap();
        std::fs::write(dir.join("server-bundle.pem"), bundle).unwrap();
        let log = dir.join("haproxy.log");
        let mut config = String::new();
        let (port, _running) = launch(&dir, &log, |port| {
            config = haproxy_config(&dir, port, options);
            std::fs::write(dir.join("haproxy.cfg"), &config).unwrap();
            let mut command = at_now(HAPROXY);
            command
                .arg("-f")
                .arg(dir.join("haproxy.cfg"))
                .stdout(std::fs::File::create(&log).unwrap());
            command
        });
        for client in &setup.clients {
            cases += 1;
            let before = std::fs::read_to_string(&log).unwrap_or_default().len();
            let (status, body, said) = curl(port, &dir, client);
            std::thread::sleep(std::time::Duration::from_millis(30));
            let logged = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .get(before..)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| line.split_once(" mtls/1: ").map(|(_, m)| m.to_owned()))
                // What wait_for's probe (a TCP connection without TLS) leaves in the log.
                .find(|m| m != "Connection closed during SSL handshake");
            let report = predict(&setup, client, &config, *crl_file);
            let accepted = status == 200;
            // Without a certificate asked for, there is nothing to name.
            let echoed = accepted && !options.contains("none");
            let observed = Observed {
                accepted,
                answer: format!("HAProxy answered {status}"),
                logged,
                said: Some(said),
                identity: body
                    .lines()
                    .filter(|_| echoed)
                    .filter_map(|line| line.split_once('='))
                    .map(|(fetch, value)| (fetch.to_owned(), value.to_owned()))
                    .collect(),
            };
            let case = ("haproxy", *name, client.name);
            compare(
                case,
                &observed,
                &report,
                Profile::Openssl,
                &mut disagreements,
            );
        }
    }
    conclude("haproxy", cases, "(configuration, client)", &disagreements);
}

// ---------------------------------------------------------------------------------------------
// Apache httpd

/// Debian's Apache httpd and its modules.
const APACHE: &str = "/usr/sbin/apache2";
const APACHE_MODULES: &str = "/usr/lib/apache2/modules";

/// The Apache configurations tried: (name, directives of the virtual host, CRL file).
const APACHE_CONFIGS: &[(&str, &str, Option<&str>)] = &[
    ("require, default depth", "SSLVerifyClient require", None),
    (
        "require, depth 2",
        "SSLVerifyClient require\nSSLVerifyDepth 2",
        None,
    ),
    (
        "require, depth 3",
        "SSLVerifyClient require\nSSLVerifyDepth 3",
        None,
    ),
    (
        "optional_no_ca, depth 3",
        "SSLVerifyClient optional_no_ca\nSSLVerifyDepth 3",
        None,
    ),
    (
        "require, depth 3, CRLs checked",
        "SSLVerifyClient require\nSSLVerifyDepth 3\nSSLCARevocationFile DIR/crl.pem\n\
         SSLCARevocationCheck chain",
        Some("crl.pem"),
    ),
    (
        "require, depth 3, CRLs not checked",
        "SSLVerifyClient require\nSSLVerifyDepth 3\nSSLCARevocationFile DIR/crl.pem",
        Some("crl.pem"),
    ),
    (
        "Require expr on the CN",
        "SSLVerifyClient require\nSSLVerifyDepth 3\n<Location />\n  \
         Require expr %{SSL_CLIENT_S_DN_CN} in {'good', 'deep', 'revoked'}\n</Location>",
        None,
    ),
    (
        "Require expr on the O, quoted, any of two",
        "SSLVerifyClient require\nSSLVerifyDepth 3\n<Location />\n  \
         Require expr \"%{SSL_CLIENT_S_DN_O} =~ /^MTLS-inspector TESTS$/i\"\n  \
         Require expr %{SSL_CLIENT_S_DN_C} == 'FR' && %{SSL_CLIENT_VERIFY} == 'SUCCESS'\n\
         </Location>",
        None,
    ),
    ("none", "SSLVerifyClient none", None),
];

const APACHE_ECHO: &[&str] = &[
    "SSL_CLIENT_VERIFY",
    "SSL_CLIENT_S_DN",
    "SSL_CLIENT_I_DN",
    "SSL_CLIENT_S_DN_CN",
    "SSL_CLIENT_M_SERIAL",
];

fn apache_config(dir: &Path, port: u16, directives: &str) -> String {
    let d = dir.display();
    let echo: String = APACHE_ECHO
        .iter()
        .map(|var| format!("    Header always set X-Echo-{var} \"%{{{var}}}s\"\n"))
        .collect();
    let modules: String = [
        ("mpm_prefork_module", "mod_mpm_prefork.so"),
        ("ssl_module", "mod_ssl.so"),
        ("headers_module", "mod_headers.so"),
        ("authz_core_module", "mod_authz_core.so"),
    ]
    .iter()
    .map(|(name, file)| format!("LoadModule {name} {APACHE_MODULES}/{file}\n"))
    .collect();
    format!(
        "ServerRoot {d}\nPidFile {d}/httpd.pid\nListen 127.0.0.1:{port}\n{modules}\
         User nobody\nGroup nogroup\nServerName localhost\nErrorLog {d}/error.log\n\
         DocumentRoot {d}/htdocs\n\
         <VirtualHost 127.0.0.1:{port}>\n\
         \x20   SSLEngine on\n\
         \x20   SSLCertificateFile {d}/server.pem\n\
         \x20   SSLCertificateKeyFile {d}/server.key\n\
         \x20   SSLCACertificateFile {d}/root.pem\n\
         \x20   {}\n{echo}</VirtualHost>\n",
        directives
            .replace("DIR", &d.to_string())
            .replace('\n', "\n    ")
    )
}

#[test]
fn apache_decides_logs_and_names_as_predicted() {
    let _turn = one_at_a_time();
    if !present(
        &[(APACHE, "-v")],
        "apache2 and faketime (apt-get install apache2 faketime)",
    ) {
        return;
    }
    let setup = setup("live-apache");
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for (name, directives, crl_file) in APACHE_CONFIGS {
        let files = ["root.pem", "crl.pem", "server.pem", "server.key"];
        let dir = server_dir(&setup, &format!("apache-{}", free_port()), &files);
        std::fs::create_dir_all(dir.join("htdocs")).unwrap();
        std::fs::write(dir.join("htdocs/index.txt"), "hello\n").unwrap();
        Command::new("chmod")
            .args(["-R", "a+rX"])
            .arg(&dir)
            .status()
            .unwrap();
        let log = dir.join("error.log");
        let mut config = String::new();
        let (port, _running) = launch(&dir, &log, |port| {
            config = apache_config(&dir, port, directives);
            std::fs::write(dir.join("httpd.conf"), &config).unwrap();
            let mut command = at_now(APACHE);
            command
                .arg("-f")
                .arg(dir.join("httpd.conf"))
                .arg("-DFOREGROUND")
                .stdout(Stdio::null());
            command
        });
        for client in &setup.clients {
            cases += 1;
            let before = std::fs::read_to_string(&log).unwrap_or_default().len();
            std::fs::write(dir.join("client-chain.pem"), &client.chain).unwrap();
            std::fs::write(dir.join("client-key.pem"), &client.key).unwrap();
            let run = Command::new("curl")
                .args(["-sSk", "-D", "-", "-o", "/dev/null"])
                .args(["--cert", "client-chain.pem", "--key", "client-key.pem"])
                .arg(format!("https://127.0.0.1:{port}/index.txt"))
                .current_dir(&dir)
                .output()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(30));
            let headers = String::from_utf8_lossy(&run.stdout).into_owned();
            let said = String::from_utf8_lossy(&run.stderr).into_owned();
            let logged: Vec<String> = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .get(before..)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    // AH01630 ends with the file asked for, which the product does not know.
                    if line.contains("AH01630") {
                        return Some("AH01630: client denied by server configuration".to_owned());
                    }
                    line.find("AH0203")
                        .or(line.find("AH0204"))
                        .map(|at| line.get(at..).unwrap_or_default().to_owned())
                })
                .collect();
            let logged = (!logged.is_empty()).then(|| logged.join(" / "));
            let accepted = headers.starts_with("HTTP/1.1 200");
            let report = predict(&setup, client, &config, *crl_file);
            let observed = Observed {
                accepted,
                answer: format!("Apache answered {:?}", headers.lines().next()),
                logged,
                // The status line (a 403) and what curl printed (an alert).
                said: Some(format!(
                    "{} {said}",
                    headers.lines().next().unwrap_or_default()
                )),
                identity: headers
                    .lines()
                    .filter(|_| accepted)
                    .filter_map(|line| line.strip_prefix("X-Echo-")?.split_once(": "))
                    .map(|(var, value)| (var.to_owned(), value.trim_end_matches('\r').to_owned()))
                    // mod_headers prints `(null)` for a variable that is not set (no
                    // certificate asked for): the product names nothing then.
                    .filter(|(_, value)| value != "(null)")
                    .collect(),
            };
            let case = ("apache", *name, client.name);
            compare(
                case,
                &observed,
                &report,
                Profile::Openssl,
                &mut disagreements,
            );
        }
    }
    conclude("apache", cases, "(configuration, client)", &disagreements);
}

// ---------------------------------------------------------------------------------------------
// Mosquitto

/// Debian's Mosquitto.
const MOSQUITTO: &str = "/usr/sbin/mosquitto";

/// The Mosquitto configurations tried: (name, options of the listener, CRL file).
const MOSQUITTO_CONFIGS: &[(&str, &str, Option<&str>)] = &[
    (
        "identity as user name",
        "require_certificate true\nuse_identity_as_username true",
        None,
    ),
    (
        "subject as user name",
        "require_certificate true\nuse_subject_as_username true",
        None,
    ),
    (
        "CRL of the issuing CA only",
        "require_certificate true\nuse_identity_as_username true\ncrlfile DIR/issuing-crl-only.pem",
        Some("issuing-crl-only.pem"),
    ),
    (
        "CRL of the root only",
        "require_certificate true\nuse_identity_as_username true\ncrlfile DIR/root-crl-only.pem",
        Some("root-crl-only.pem"),
    ),
    (
        "no certificate required",
        "require_certificate false\nallow_anonymous true",
        None,
    ),
];

fn mosquitto_config(dir: &Path, port: u16, options: &str) -> String {
    let d = dir.display();
    // Mosquitto 2 refuses clients without a user name unless told otherwise.
    let anonymous = if options.contains("allow_anonymous") {
        ""
    } else {
        "allow_anonymous false\n"
    };
    format!(
        "per_listener_settings true\nlistener {port} 127.0.0.1\ncafile {d}/root.pem\n\
         certfile {d}/server.pem\nkeyfile {d}/server.key\n{}\n{anonymous}\
         log_dest file {d}/mosquitto.log\nlog_type all\nconnection_messages true\n",
        options.replace("DIR", &d.to_string())
    )
}

#[test]
fn mosquitto_decides_logs_and_names_as_predicted() {
    let _turn = one_at_a_time();
    if !present(
        &[(MOSQUITTO, "-h"), ("mosquitto_pub", "--help")],
        "mosquitto, mosquitto_pub and faketime (apt-get install mosquitto mosquitto-clients \
         faketime)",
    ) {
        return;
    }
    let setup = setup("live-mosquitto");
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for (name, options, crl_file) in MOSQUITTO_CONFIGS {
        let files = [
            "root.pem",
            "issuing-crl-only.pem",
            "root-crl-only.pem",
            "server.pem",
            "server.key",
            "server-ca.pem",
        ];
        let dir = server_dir(&setup, &format!("mosquitto-{}", free_port()), &files);
        let log = dir.join("mosquitto.log");
        let mut config = String::new();
        let (port, _running) = launch(&dir, &log, |port| {
            config = mosquitto_config(&dir, port, options);
            std::fs::write(dir.join("mosquitto.conf"), &config).unwrap();
            let mut command = at_now(MOSQUITTO);
            command
                .arg("-c")
                .arg(dir.join("mosquitto.conf"))
                .stdout(Stdio::null());
            command
        });
        for client in &setup.clients {
            cases += 1;
            let before = std::fs::read_to_string(&log).unwrap_or_default().len();
            std::fs::write(dir.join("client-chain.pem"), &client.chain).unwrap();
            std::fs::write(dir.join("client-key.pem"), &client.key).unwrap();
            let run = Command::new("mosquitto_pub")
                .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
                .args(["--cafile", "server-ca.pem", "--insecure"])
                .args(["--cert", "client-chain.pem", "--key", "client-key.pem"])
                .args(["-t", "live/test", "-m", "hello"])
                .current_dir(&dir)
                .output()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(30));
            let said = String::from_utf8_lossy(&run.stderr).into_owned();
            let logged = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .get(before..)
                .unwrap_or_default()
                .to_owned();
            let accepted = run.status.success();
            let user = logged.lines().find_map(|line| {
                let start = line.find(", u'")? + 4;
                let rest = line.get(start..)?;
                rest.rfind("').")
                    .and_then(|end| rest.get(..end))
                    .map(str::to_owned)
            });
            let refusal = logged
                .lines()
                // What wait_for's probe (a TCP connection without TLS) leaves in the log.
                .filter(|l| !l.contains("unexpected eof while reading"))
                .find(|l| l.contains("OpenSSL Error"))
                .and_then(|l| l.split_once(": ").map(|(_, m)| m.to_owned()));
            let report = predict(&setup, client, &config, *crl_file);
            let asked = !options.contains("require_certificate false");
            let observed = Observed {
                accepted,
                answer: if accepted { "published" } else { "refused" }.to_owned(),
                logged: refusal,
                // In TLS 1.3 the alert may arrive after mosquitto_pub gave up: compared when
                // shown.
                said: Some(said).filter(|said| said.contains("alert")),
                identity: if accepted && asked {
                    vec![("username".to_owned(), user.unwrap_or_default())]
                } else {
                    Vec::new()
                },
            };
            let case = ("mosquitto", *name, client.name);
            compare(
                case,
                &observed,
                &report,
                Profile::Openssl,
                &mut disagreements,
            );
        }
    }
    conclude(
        "mosquitto",
        cases,
        "(configuration, client)",
        &disagreements,
    );
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// The PostgreSQL configurations tried: (name, pg_hba.conf line, pg_ident.conf, with CRLs).
const PG_CONFIGS: &[(&str, &str, &str, bool)] = &[
    ("cert", "hostssl all all 127.0.0.1/32 cert", "", false),
    (
        "cert by DN through a map with an unquoted comma",
        "hostssl all all 127.0.0.1/32 cert clientname=DN map=dn",
        "dn /^CN=([^,]+),.*$ \\1\n",
        false,
    ),
    (
        "cert with a map",
        "hostssl all all 127.0.0.1/32 cert map=certs",
        "certs good mapped\ncerts /^(.+)$ \\1\n",
        false,
    ),
    (
        "trust, verify-full",
        "hostssl all all 127.0.0.1/32 trust clientcert=verify-full",
        "",
        false,
    ),
    (
        "trust, verify-ca",
        "hostssl all all 127.0.0.1/32 trust clientcert=verify-ca",
        "",
        false,
    ),
    (
        "cert by DN through a map",
        "hostssl all all 127.0.0.1/32 cert clientname=DN map=dn",
        "dn \"/^CN=([^,]+),.*$\" \\1\n",
        false,
    ),
    ("cert, CRLs", "hostssl all all 127.0.0.1/32 cert", "", true),
];

/// Runs a PostgreSQL program, as the postgres user when this runs as root (initdb refuses
/// root).
fn pg_command(program: &str, faked: bool) -> Command {
    let path = format!("{PG_BIN}/{program}");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = if faked {
        at_now("runuser")
    } else {
        Command::new("runuser")
    };
    if root {
        command.args(["-u", "postgres", "--", &path]);
        command
    } else if faked {
        let mut command = at_now(&path);
        command.env_remove("PGDATA");
        command
    } else {
        Command::new(path)
    }
}

/// The CN of a client, from its chain's first certificate.
fn cn_of(client: &Client) -> String {
    let der = common::pem_der(client.chain.as_bytes());
    let cert = mtls_inspector::certificate::Certificate::parse(&der).unwrap();
    let name = mtls_inspector::read::names::parse(&cert.subject_raw).unwrap();
    let cn = name.iter_common_name().next().unwrap();
    String::from_utf8_lossy(cn.attr_value().data).into_owned()
}

#[test]
fn postgresql_decides_and_maps_users_as_predicted() {
    let _turn = one_at_a_time();
    if !Path::new(PG_BIN).join("postgres").exists()
        || Command::new("faketime").arg("--version").output().is_err()
    {
        common::stacks::missing("PostgreSQL 15 and faketime (apt-get install postgresql faketime)");
        return;
    }
    let setup = setup("live-postgres");
    let files = ["root.pem", "crl.pem", "server.pem", "server.key"];
    let dir = server_dir(&setup, "pg", &files);
    Command::new("chown")
        .args(["-R", "postgres"])
        .arg(&dir)
        .status()
        .ok();
    Command::new("chmod")
        .arg("600")
        .arg(dir.join("server.key"))
        .status()
        .unwrap();
    let data = dir.join("data");
    let initdb = pg_command("initdb", false)
        .args(["-A", "trust", "-U", "postgres", "-D"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        initdb.status.success(),
        "{}",
        String::from_utf8_lossy(&initdb.stderr)
    );
    let port = free_port();
    let d = dir.display();
    std::fs::write(
        data.join("postgresql.conf"),
        format!(
            "port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{d}'\n\
             log_connections = on\ninclude 'ssl.conf'\n"
        ),
    )
    .unwrap();
    let log = dir.join("log");
    let write_config = |hba: &str, ident: &str, crl: bool| {
        let ssl = format!(
            "ssl = on\nssl_cert_file = '{d}/server.pem'\nssl_key_file = '{d}/server.key'\n\
             ssl_ca_file = '{d}/root.pem'\n{}",
            if crl {
                format!("ssl_crl_file = '{d}/crl.pem'\n")
            } else {
                String::new()
            }
        );
        let hba = format!("local all all trust\n{hba}\n");
        std::fs::write(data.join("ssl.conf"), &ssl).unwrap();
        std::fs::write(data.join("pg_hba.conf"), &hba).unwrap();
        std::fs::write(data.join("pg_ident.conf"), ident).unwrap();
        Command::new("chown")
            .args(["-R", "postgres"])
            .arg(&data)
            .status()
            .ok();
        vec![
            ("pg_hba.conf".to_owned(), hba.into_bytes()),
            ("pg_ident.conf".to_owned(), ident.as_bytes().to_vec()),
            ("postgresql.conf".to_owned(), ssl.into_bytes()),
        ]
    };
    write_config("", "", false);
    let child = in_own_group(
        pg_command("postgres", true)
            .arg("-D")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap()),
    )
    .unwrap();
    let mut child = child;
    if let Err(why) = wait_for(port, &mut child) {
        panic!(
            "{why}: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    let _running = Running(child);
    let users: Vec<String> = setup
        .clients
        .iter()
        .map(cn_of)
        .chain(["mapped".to_owned(), "someone-else".to_owned()])
        .collect();
    for user in &users {
        let create = Command::new("psql")
            .args([
                "-h",
                &d.to_string(),
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
            ])
            .args(["-d", "postgres", "-c"])
            .arg(format!(
                "CREATE ROLE \"{}\" LOGIN",
                user.replace('"', "\"\"")
            ))
            .output()
            .unwrap();
        assert!(
            create.status.success(),
            "{}",
            String::from_utf8_lossy(&create.stderr)
        );
    }
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for (name, hba, ident, crl) in PG_CONFIGS {
        let configs = write_config(hba, ident, *crl);
        pg_command("pg_ctl", false)
            .arg("reload")
            .arg("-D")
            .arg(&data)
            .output()
            .unwrap();
        // The postmaster rereads its files on SIGHUP, a moment later.
        std::thread::sleep(std::time::Duration::from_millis(700));
        for client in &setup.clients {
            let cn = cn_of(client);
            let mut tried = vec![cn.clone()];
            if client.name == "good" {
                tried.extend(["mapped".to_owned(), "someone-else".to_owned()]);
            }
            for user in tried {
                cases += 1;
                std::fs::write(dir.join("client.pem"), &client.chain).unwrap();
                std::fs::write(dir.join("client.key"), &client.key).unwrap();
                Command::new("chmod")
                    .arg("600")
                    .arg(dir.join("client.key"))
                    .status()
                    .unwrap();
                let before = std::fs::read_to_string(&log).unwrap_or_default().len();
                let conninfo = format!(
                    "host=127.0.0.1 port={port} user='{}' dbname=postgres sslmode=require \
                     sslcert={d}/client.pem sslkey={d}/client.key",
                    user.replace('\'', "\\'")
                );
                let run = Command::new("psql")
                    .arg(&conninfo)
                    .args(["-At", "-c"])
                    .arg("SELECT current_user || '|' || client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .output()
                    .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(20));
                let logged = std::fs::read_to_string(&log)
                    .unwrap_or_default()
                    .get(before..)
                    .unwrap_or_default()
                    .to_owned();
                let said = String::from_utf8_lossy(&run.stderr).into_owned();
                let answer = String::from_utf8_lossy(&run.stdout).trim().to_owned();
                let accepted = run.status.success();
                let mut files = vec![
                    (
                        Side::Client,
                        "client.pem".to_owned(),
                        client.chain.clone().into_bytes(),
                    ),
                    (
                        Side::Client,
                        "client.key".to_owned(),
                        client.key.clone().into_bytes(),
                    ),
                    (
                        Side::Trust,
                        "root.pem".to_owned(),
                        std::fs::read(dir.join("root.pem")).unwrap(),
                    ),
                ];
                if *crl {
                    files.push((
                        Side::Trust,
                        "crl.pem".to_owned(),
                        std::fs::read(dir.join("crl.pem")).unwrap(),
                    ));
                }
                let options = Options {
                    server_configs: configs.clone(),
                    user: Some(user.clone()),
                    ..Options::at(NOW)
                };
                let report = inspect(&borrow_inputs(&files), &options);
                let ours = report
                    .profiles
                    .iter()
                    .find(|p| p.name == Profile::Openssl)
                    .unwrap();
                let server = report.server.as_ref().expect("the configuration is read");
                let case = format!("{} as {user:?}", client.name);
                println!(
                    "postgresql [{name}] {case}: {} {} / ours {:?} {:?} {:?}",
                    if accepted { "connected" } else { "refused" },
                    said.trim(),
                    ours.verdict,
                    ours.findings,
                    server.client_sees
                );
                if accepted != (ours.verdict == Verdict::Accepted) {
                    disagreements.push(differ(
                        "postgresql",
                        name,
                        &case,
                        &format!("{} / ours {:?}", said.trim(), ours.findings),
                    ));
                    continue;
                }
                if accepted {
                    let dn = server
                        .identity
                        .iter()
                        .find(|f| f.name == "pg_stat_ssl.client_dn")
                        .map(|f| f.value.clone())
                        .unwrap_or_default();
                    let expected = format!("{user}|{dn}");
                    if answer != expected {
                        disagreements.push(differ(
                            "postgresql",
                            name,
                            &case,
                            &format!("the server says {answer:?}, ours {expected:?}"),
                        ));
                    }
                    continue;
                }
                if let Some(sees) = &server.client_sees
                    && !said.contains(sees.as_str())
                {
                    disagreements.push(differ(
                        "postgresql",
                        name,
                        &case,
                        &format!("the client saw {:?}, ours {sees:?}", said.trim()),
                    ));
                }
                if let Some(line) = &server.log_line
                    && !logged.contains(line.as_str())
                {
                    disagreements.push(differ(
                        "postgresql",
                        name,
                        &case,
                        &format!("the server logged {logged:?}, ours {line:?}"),
                    ));
                }
            }
        }
    }
    let of = "(configuration, client, user)";
    conclude("postgresql", cases, of, &disagreements);
    regular_expressions_against_postgresql(&d.to_string(), port);
}

/// pg_ident.conf patterns with a group (`\1`) or without, and names to match.
const PG_PATTERNS: &[(&str, &str)] = &[
    ("^(.*)@example\\.com$", "alice@example.com"),
    ("^(.*)@example\\.com$", "alice@example.org"),
    ("^(.*)$", "alice"),
    ("^CN=([^,]+),.*$", "CN=alice,O=Example"),
    ("^([a-z]+)\\.clients\\.example$", "bob.clients.example"),
    ("^(\\w+)-\\d+$", "alice-42"),
    ("^(.*?)@", "a@b@c"),
    ("^(.*)\\.example\\.com$", "alice.EXAMPLE.com"),
    ("^[a-z]{2,3}(\\d)$", "ab7"),
    ("^(é+)$", "éé"),
    ("alice", "malice"),
    ("^(x)?alice$", "alice"),
    ("^(a|ab)(c|bcd)$", "abcd"),
    ("(", "alice"),
    ("^([[:alnum:]]+)$", "alice01"),
    ("(?i)^(ALICE)$", "alice"),
    ("^(a+)\\1$", "aaaa"),
    ("^(?=a)(.*)$", "alice"),
    ("^alice\\y(.*)$", "alice bob"),
];

/// Where the stand-ins for PostgreSQL's ARE engine answer otherwise than PostgreSQL, as
/// measured: (pattern, regex-lite differs, the browser's RegExp differs). The README's "Your
/// server" section lists them; a change here is a change to say there.
const PG_PATTERN_DIFFERENCES: &[(&str, bool, bool)] = &[
    ("^([[:alnum:]]+)$", false, true),
    ("(?i)^(ALICE)$", false, true),
    ("^(a+)\\1$", true, false),
    ("^(?=a)(.*)$", true, false),
    ("^alice\\y(.*)$", true, true),
];

/// Each pattern through PostgreSQL's own engine (`regexp_match`), regex-lite (the CLI's
/// stand-in) and V8's RegExp in node (the page's): a match's first group, or no match (an
/// invalid pattern is no match for pg_ident.conf).
fn regular_expressions_against_postgresql(socket: &str, port: u16) {
    let show = |found: &Option<Option<String>>| match found {
        None => "no match".to_owned(),
        Some(None) => "match, no group".to_owned(),
        Some(Some(group)) => format!("group {group:?}"),
    };
    let quoted = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let script = "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));\
                  console.log(JSON.stringify(cases.map(([p, n]) => {\
                  try { const m = new RegExp(p).exec(n);\
                  return m ? [m.length > 1 && m[1] !== undefined ? m[1] : null] : 'none'; }\
                  catch (e) { return 'none'; } })));";
    let cases: Vec<[&str; 2]> = PG_PATTERNS.iter().map(|(p, n)| [*p, *n]).collect();
    let mut node = Command::new("node")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (tools/setup.sh installs it)");
    std::io::Write::write_all(
        node.stdin.as_mut().unwrap(),
        serde_json::to_string(&cases).unwrap().as_bytes(),
    )
    .unwrap();
    let node = node.wait_with_output().unwrap();
    let browser: Vec<serde_json::Value> = serde_json::from_slice(&node.stdout).unwrap();
    let mut differences = Vec::new();
    for ((pattern, name), browser) in PG_PATTERNS.iter().zip(browser) {
        let groups = Command::new("psql")
            .args(["-h", socket, "-p", &port.to_string(), "-U", "postgres", "-d"])
            .args(["postgres", "-At", "-c"])
            .arg(format!(
                "SELECT CASE WHEN {n} ~ {p} THEN coalesce('=' || (regexp_match({n}, {p}))[1], 'null') \
                 || '|' || (SELECT count(*) FROM regexp_matches({p}, '\\((?!\\?)', 'g')) END",
                n = quoted(name),
                p = quoted(pattern)
            ))
            .output()
            .unwrap();
        let answer = String::from_utf8_lossy(&groups.stdout).trim().to_owned();
        // psql prints nothing on no match, and fails on a pattern PostgreSQL refuses; a group
        // that took no part in the match is `null`, one that matched nothing `=`.
        let postgresql = match answer.rsplit_once('|') {
            Some((group, count)) if groups.status.success() && count != "0" => {
                Some(group.strip_prefix('=').map(str::to_owned))
            }
            Some(_) if groups.status.success() => Some(None),
            _ => None,
        };
        let regex_lite = mtls_inspector::server::postgres::first_match(pattern, name);
        let browser = match browser {
            serde_json::Value::Array(group) => Some(group[0].as_str().map(str::to_owned)),
            _ => None,
        };
        println!(
            "pg_ident pattern {pattern:?} on {name:?}: PostgreSQL {}, regex-lite {}, RegExp {}",
            show(&postgresql),
            show(&regex_lite),
            show(&browser)
        );
        let (lite_differs, browser_differs) = (regex_lite != postgresql, browser != postgresql);
        if lite_differs || browser_differs {
            differences.push((*pattern, lite_differs, browser_differs));
        }
    }
    assert_eq!(
        differences, PG_PATTERN_DIFFERENCES,
        "regex-lite and the browser's RegExp against PostgreSQL's engine: (pattern, regex-lite \
         differs, RegExp differs)"
    );
}

// ---------------------------------------------------------------------------------------------
// Kubernetes: no API server runs here; its documented behaviour (the x509 authenticator's
// CommonNameUserConversion) is checked through the product alone.

/// The flags of a kube-apiserver static pod manifest.
const KUBE_APISERVER: &str = "spec:\n  containers:\n  - command:\n    - kube-apiserver\n    \
                              - --client-ca-file=/etc/kubernetes/pki/ca.crt\n";

fn kubernetes_report(leaf: rcgen::CertificateParams) -> Report {
    let root = self_signed(ca("Kube Root CA"), key());
    let leaf = issue(leaf, key(), &root);
    let files = vec![
        (Side::Client, "client.pem".to_owned(), leaf.pem.into_bytes()),
        (Side::Trust, "ca.crt".to_owned(), root.pem.into_bytes()),
    ];
    let options = Options {
        server_configs: vec![(
            "kube-apiserver.yaml".to_owned(),
            KUBE_APISERVER.as_bytes().to_vec(),
        )],
        ..Options::at(NOW)
    };
    inspect(&borrow_inputs(&files), &options)
}

#[test]
fn kubernetes_takes_the_user_from_the_cn_and_the_groups_from_the_o() {
    let mut params = client("alice");
    params.distinguished_name = rcgen::DistinguishedName::new();
    // (rcgen writes one attribute per type: the groups are one O here.)
    params
        .distinguished_name
        .push(DnType::OrganizationName, "system:masters");
    params.distinguished_name.push(DnType::CommonName, "alice");
    let report = kubernetes_report(params);
    let server = report.server.as_ref().expect("the flags are read");
    assert_eq!(server.kind, "Kubernetes API server");
    assert_eq!(server.profile, Profile::Go);
    let identity: Vec<(&str, &str)> = server
        .identity
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(identity, [("user", "alice"), ("groups", "system:masters")]);
    assert_eq!(server.files[0].file, "ca.crt");
    let go = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Go)
        .unwrap();
    assert_eq!(go.verdict, Verdict::Accepted);

    // Without a CN the authenticator authenticates nobody.
    let mut nameless = client("nameless");
    nameless.distinguished_name = rcgen::DistinguishedName::new();
    nameless
        .distinguished_name
        .push(DnType::OrganizationName, "dev");
    let report = kubernetes_report(nameless);
    let go = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Go)
        .unwrap();
    assert_eq!(go.verdict, Verdict::Rejected);
    assert!(
        go.findings
            .contains(&mtls_inspector::diagnosis::Code::AccessRuleRefuses)
    );
    // Refused after the handshake, without a TLS alert.
    let stop = report.handshake.as_ref().expect("where it stops");
    assert_eq!(stop.step, 6);
    assert!(stop.why.contains("No TLS alert"), "{}", stop.why);

    // A chain Go refuses is logged as the authenticator logs it.
    let mut expired = client("bob");
    expired.not_after = at(NOW - DAY);
    let report = kubernetes_report(expired);
    let server = report.server.as_ref().unwrap();
    assert_eq!(
        server.log_line.as_deref(),
        Some("Unable to authenticate the request")
    );
    assert!(server.identity.is_empty());
}

/// Several O values are several groups (rcgen writes one attribute per type: openssl writes
/// these, valid now, so inspected now).
#[test]
fn kubernetes_takes_every_o_as_a_group() {
    let dir = common::temp_dir("kubernetes-groups");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut root = vec!["req", "-x509"];
    root.extend(ec);
    root.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=Kube CA",
        "-days",
        "30",
    ]);
    common::openssl(&root, &dir);
    let mut request = vec!["req"];
    request.extend(ec);
    request.extend(["-keyout", "alice.key", "-out", "alice.csr"]);
    request.extend(["-subj", "/O=system:masters/O=dev/CN=alice"]);
    common::openssl(&request, &dir);
    std::fs::write(
        dir.join("alice.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    common::openssl(
        &[
            "x509",
            "-req",
            "-in",
            "alice.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-out",
            "alice.crt",
            "-days",
            "7",
            "-extfile",
            "alice.ext",
        ],
        &dir,
    );
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let files = vec![
        (Side::Client, "alice.crt".to_owned(), read("alice.crt")),
        (Side::Trust, "ca.crt".to_owned(), read("ca.crt")),
    ];
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let options = Options {
        server_configs: vec![(
            "kube-apiserver.yaml".to_owned(),
            KUBE_APISERVER.as_bytes().to_vec(),
        )],
        ..Options::at(now)
    };
    let report = inspect(&borrow_inputs(&files), &options);
    let server = report.server.as_ref().expect("the flags are read");
    let groups = server.identity.iter().find(|f| f.name == "groups");
    assert_eq!(
        groups.map(|f| f.value.as_str()),
        Some("system:masters, dev")
    );
    let go = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Go)
        .unwrap();
    assert_eq!(go.verdict, Verdict::Accepted, "{:?}", go.findings);
}

// ---------------------------------------------------------------------------------------------
// `probe` against nginx: nginx completes the handshake whatever the certificate and refuses at
// the HTTP layer (400), which the probe reads from its `HEAD /`.

#[test]
fn probe_reads_nginxs_refusal_from_its_http_answer() {
    let _turn = one_at_a_time();
    if !present(
        &[(NGINX, "-v")],
        "nginx and faketime (apt-get install nginx-light faketime)",
    ) {
        return;
    }
    let setup = setup("probe-nginx");
    let client = |name: &str| setup.clients.iter().find(|c| c.name == name).unwrap();
    for (directives, without) in [
        ("ssl_verify_client on;", 1),
        ("ssl_verify_client optional;", 3),
    ] {
        let (dir, _, port, _running) = start_nginx(&setup, directives);
        let probe = |files: Option<&Client>| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"));
            command
                .args(["probe", &format!("127.0.0.1:{port}"), "--format", "json"])
                .args(["--timeout", "5", "--trust", "root.pem"])
                .current_dir(&dir);
            if let Some(client) = files {
                std::fs::write(dir.join("chain.pem"), &client.chain).unwrap();
                std::fs::write(dir.join("key.pem"), &client.key).unwrap();
                command.args(["chain.pem", "key.pem"]);
            }
            let out = command.output().unwrap();
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            (out.status.code().unwrap(), json)
        };
        let (code, json) = probe(Some(client("good")));
        assert_eq!(code, 0, "{directives}: {json:#}");
        assert_eq!(json["probe"]["http_status"], "HTTP/1.1 200 OK");
        assert_eq!(
            json["probe"]["certificate_request"]["ca_names"][0],
            "O = mtls-inspector tests, CN = Live Root CA"
        );
        let (code, json) = probe(Some(client("another PKI")));
        assert_eq!(code, 1, "{directives}: {json:#}");
        assert_eq!(json["probe"]["handshake_completed"], true);
        assert_eq!(json["probe"]["http_status"], "HTTP/1.1 400 Bad Request");
        assert_eq!(json["report"]["verdict"], "rejected");
        let (code, json) = probe(None);
        assert_eq!(code, without, "{directives}: {json:#}");
        assert_eq!(json["probe"]["certificate_sent"], false);
    }
}
