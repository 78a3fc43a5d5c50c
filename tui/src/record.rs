//! `--record` and `--replay`: the update stream in a file, one JSON object per line.
//!
//! The first line names the format and what was watched; each further line is
//! `{"ms": <milliseconds since the recording began>, "update": <Update>}`.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use grain::Pid;
use grain::observe::Update;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Header {
    grain_record: u32,
    title: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    ms: u64,
    update: Update,
}

/// Writes updates to a recording.
#[derive(Debug)]
pub struct Recorder {
    out: BufWriter<File>,
    start: Instant,
}

impl Recorder {
    /// Starts a recording of `title` in `path` (replacing the file).
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(path: &Path, title: &str) -> io::Result<Self> {
        let mut out = BufWriter::new(File::create(path)?);
        let header = Header {
            grain_record: 1,
            title: title.to_owned(),
        };
        serde_json::to_writer(&mut out, &header)?;
        out.write_all(b"\n")?;
        Ok(Recorder {
            out,
            start: Instant::now(),
        })
    }

    /// Appends one update.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&mut self, update: &Update) -> io::Result<()> {
        let entry = Entry {
            ms: self.start.elapsed().as_millis() as u64,
            update: update.clone(),
        };
        serde_json::to_writer(&mut self.out, &entry)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// A recording played back at the pace it was recorded, as a [`crate::Node`].
#[derive(Debug)]
pub struct Replay {
    /// What was watched.
    pub title: String,
    entries: VecDeque<(u64, Update)>,
    start: Option<Instant>,
}

impl Replay {
    /// Reads a recording.
    ///
    /// # Errors
    /// When the file cannot be read or is not a grain recording (the message names the line).
    pub fn open(path: &Path) -> io::Result<Self> {
        let bad = |n: usize, e: &dyn std::fmt::Display| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} line {n}: {e}", path.display()),
            )
        };
        let mut lines = BufReader::new(File::open(path)?).lines();
        let first = lines.next().ok_or_else(|| bad(1, &"empty file"))??;
        let header: Header = serde_json::from_str(&first)
            .map_err(|e| bad(1, &format!("not a grain recording ({e})")))?;
        let mut entries = VecDeque::new();
        for (i, line) in lines.enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let e: Entry = serde_json::from_str(&line).map_err(|e| bad(i + 2, &e))?;
            entries.push_back((e.ms, e.update));
        }
        Ok(Replay {
            title: header.title,
            entries,
            start: None,
        })
    }

    /// How many updates are left to play.
    pub fn remaining(&self) -> usize {
        self.entries.len()
    }
}

impl crate::Node for Replay {
    fn poll(&mut self) -> Option<Vec<Update>> {
        let start = *self.start.get_or_insert_with(Instant::now);
        if self.entries.is_empty() {
            return None;
        }
        let now = start.elapsed().as_millis() as u64;
        let mut due = Vec::new();
        while self.entries.front().is_some_and(|(ms, _)| *ms <= now) {
            due.extend(self.entries.pop_front().map(|(_, u)| u));
        }
        Some(due)
    }

    fn kill(&mut self, pid: Pid) -> String {
        format!("a replay cannot kill {pid}")
    }

    fn info(&mut self, _: Pid) -> String {
        "(a replay: only what the recording holds)".into()
    }

    fn replaying(&self) -> bool {
        true
    }
}
