//! Test harness for the end-to-end tests.
//!
//! [`CapServer`] runs the real OData v4 server in `e2e/cap` (SAP CAP, in-memory SQLite) on
//! 127.0.0.1 for the length of a test. Node.js is required: without it the tests fail with
//! a clear message, they never skip.

pub mod http;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e/ has a parent")
        .to_path_buf()
}

/// A running SAP CAP server; stopped when dropped.
pub struct CapServer {
    child: Child,
    /// The OData service root, ending with `/`: `http://127.0.0.1:<port>/odata/v4/partners/`.
    pub service_root: String,
}

impl CapServer {
    /// Installs the server's npm packages if needed (`npm ci` from the committed lock file),
    /// starts `node e2e/cap/server.js` on a free port and waits until it listens.
    ///
    /// # Panics
    /// When Node.js is missing, `npm ci` fails, or the server does not start within 60 s:
    /// the end-to-end tests must fail loudly rather than pass without a server.
    pub fn start() -> CapServer {
        let dir = repo_root().join("e2e/cap");
        let node = Command::new("node").arg("--version").output();
        match node {
            Ok(out) if out.status.success() => {}
            _ => panic!(
                "Node.js (`node`) is required by the end-to-end tests: it runs the SAP CAP OData \
                 server in e2e/cap. Install Node.js 20 and run `npm ci --prefix e2e/cap`."
            ),
        }
        if !dir.join("node_modules/@sap/cds").is_dir() {
            eprintln!("e2e: installing the CAP server's packages (npm ci --prefix e2e/cap) ...");
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .status()
                .expect("npm runs");
            assert!(status.success(), "`npm ci --prefix e2e/cap` failed");
        }
        let mut child = Command::new("node")
            .arg(dir.join("server.js"))
            .env("PORT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("the CAP server did not report `listening on ...` within 60 s");
            }
        };
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            panic!("unexpected first line from the CAP server: {line:?}");
        };
        CapServer {
            child,
            service_root: format!("{base}/odata/v4/partners/"),
        }
    }
}

impl Drop for CapServer {
    fn drop(&mut self) {
        // SIGTERM first (the server exits cleanly), then make sure.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(40));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
