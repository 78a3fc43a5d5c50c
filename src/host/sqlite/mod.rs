//! `lunatic::sqlite`: real SQLite (rusqlite, bundled) behind lunatic's ABI.
//!
//! A guest may open an in-memory or temporary database (`:memory:`, `""`), or a file inside
//! a directory it was granted. A statement runs on its first step and keeps its rows; later
//! steps walk them. Results the guest reads (rows, columns, names, errors) are written into
//! memory the guest allocates with its `lunatic_alloc` export.

mod read;
mod wire;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::types::ValueRef;
use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::process::ProcessState;
use crate::resources::Resources;
use wire::{BindKey, SqlValue};

pub(super) const NS: &str = "lunatic::sqlite";
const ROW: u32 = 100;
const DONE: u32 = 101;

/// A connection and the last error seen on it.
pub(crate) struct Conn {
    db: Mutex<rusqlite::Connection>,
    last_error: Mutex<Option<(u32, String)>>,
}

/// A prepared statement: its SQL, bindings, and rows once stepped.
pub(crate) struct Stmt {
    conn: Arc<Conn>,
    sql: String,
    columns: Vec<String>,
    binds: Vec<(BindKey, SqlValue)>,
    rows: Option<Vec<Vec<SqlValue>>>,
    cursor: usize,
}

/// The sqlite resources of a process.
pub(crate) struct Sqlite {
    conns: Resources<Arc<Conn>>,
    stmts: Resources<Stmt>,
}

impl Default for Sqlite {
    /// Connections count from 0: lunatic-rs's `SqliteClient::connect` assumes its first
    /// connection is 0 (it passes a null out-pointer, so the host writes the id to address 0).
    fn default() -> Self {
        Sqlite {
            conns: Resources::starting_at(0),
            stmts: Resources::default(),
        }
    }
}

impl ProcessState {
    fn sqlite(&mut self) -> &mut Sqlite {
        self.sqlite.get_or_insert_with(Default::default)
    }
}

pub(super) fn conn(caller: &mut Caller<'_>, func: &'static str, id: u64) -> Result<Arc<Conn>> {
    caller
        .data_mut()
        .sqlite()
        .conns
        .get(id)
        .cloned()
        .ok_or_else(|| fail(func, format!("no connection with id {id}")))
}

pub(super) fn stmt<'a>(
    caller: &'a mut Caller<'_>,
    func: &'static str,
    id: u64,
) -> Result<&'a mut Stmt> {
    caller
        .data_mut()
        .sqlite()
        .stmts
        .get_mut(id)
        .ok_or_else(|| fail(func, format!("no statement with id {id}")))
}

fn code(e: &rusqlite::Error) -> u32 {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => f.extended_code as u32,
        _ => 1,
    }
}

fn value(v: ValueRef<'_>) -> SqlValue {
    match v {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Integer(i),
        ValueRef::Real(d) => SqlValue::Double(d),
        ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
    }
}

fn to_sql(v: &SqlValue) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Blob(b) => Value::Blob(b.clone()),
        SqlValue::Text(t) => Value::Text(t.clone()),
        SqlValue::Double(d) => Value::Real(*d),
        SqlValue::Integer(i) => Value::Integer(*i),
    }
}

impl Stmt {
    /// Runs the statement with its bindings and keeps all its rows.
    fn run(&self) -> std::result::Result<Vec<Vec<SqlValue>>, rusqlite::Error> {
        let db = self.conn.db.lock().expect("sqlite lock");
        let mut stmt = db.prepare(&self.sql)?;
        for (key, v) in &self.binds {
            let index = match key {
                BindKey::None => 1,
                BindKey::Numeric(i) => *i,
                BindKey::Name(name) => stmt
                    .parameter_index(name)?
                    .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.clone()))?,
            };
            stmt.raw_bind_parameter(index, to_sql(v))?;
        }
        let n = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(
                (0..n)
                    .map(|i| row.get_ref(i).map(value))
                    .collect::<std::result::Result<_, _>>()?,
            );
        }
        Ok(out)
    }
}

/// May this process open a database at `path`?
fn allowed(state: &ProcessState, path: &str) -> bool {
    if path.is_empty() || path == ":memory:" {
        return true;
    }
    let p = Path::new(path);
    let parent = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    super::wasi::granted(state.config(), parent).is_some()
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "open",
        |mut caller: Caller<'_>, ptr: u32, len: u32, id_ptr: u32| -> Result<u64> {
            const F: &str = "lunatic::sqlite::open";
            let path = mem::read_str(&mut caller, F, ptr, len)?;
            let opened = if allowed(caller.data(), &path) {
                rusqlite::Connection::open(&path).map_err(|e| e.to_string())
            } else {
                Err(format!(
                    "cannot open {path:?}: it is not inside a directory this process was granted"
                ))
            };
            let (id, code) = match opened {
                Ok(db) => {
                    let conn = Arc::new(Conn {
                        db: Mutex::new(db),
                        last_error: Mutex::new(None),
                    });
                    (caller.data_mut().sqlite().conns.add(conn), 0)
                }
                Err(e) => (caller.data_mut().add_error(e), 1),
            };
            mem::write_u64(&mut caller, F, id_ptr, id)?;
            Ok(code)
        },
    )?;
    linker.func_wrap(
        NS,
        "execute",
        |mut caller: Caller<'_>, id: u64, ptr: u32, len: u32| -> Result<u32> {
            const F: &str = "lunatic::sqlite::execute";
            let sql = mem::read_str(&mut caller, F, ptr, len)?;
            let c = conn(&mut caller, F, id)?;
            let result = c.db.lock().expect("sqlite lock").execute_batch(&sql);
            Ok(match result {
                Ok(()) => 0,
                Err(e) => {
                    let code = code(&e);
                    *c.last_error.lock().expect("sqlite lock") = Some((code, e.to_string()));
                    code
                }
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "query_prepare",
        |mut caller: Caller<'_>, id: u64, ptr: u32, len: u32| -> Result<u64> {
            const F: &str = "lunatic::sqlite::query_prepare";
            let sql = mem::read_str(&mut caller, F, ptr, len)?;
            let c = conn(&mut caller, F, id)?;
            let columns = {
                let db = c.db.lock().expect("sqlite lock");
                let stmt = db.prepare(&sql).map_err(|e| fail(F, e.to_string()))?;
                stmt.column_names().map(str::to_owned).collect()
            };
            let s = Stmt {
                conn: c,
                sql,
                columns,
                binds: Vec::new(),
                rows: None,
                cursor: 0,
            };
            Ok(caller.data_mut().sqlite().stmts.add(s))
        },
    )?;
    linker.func_wrap(
        NS,
        "bind_value",
        |mut caller: Caller<'_>, id: u64, ptr: u32, len: u32| -> Result<()> {
            const F: &str = "lunatic::sqlite::bind_value";
            let bytes = mem::read(&mut caller, F, ptr, len)?;
            let binds = wire::decode_binds(&bytes).map_err(|e| fail(F, e))?;
            stmt(&mut caller, F, id)?.binds.extend(binds);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "sqlite3_changes",
        |mut caller: Caller<'_>, id: u64| -> Result<u32> {
            let c = conn(&mut caller, "lunatic::sqlite::sqlite3_changes", id)?;
            let changes = c.db.lock().expect("sqlite lock").changes();
            Ok(changes as u32)
        },
    )?;
    linker.func_wrap(
        NS,
        "statement_reset",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            let s = stmt(&mut caller, "lunatic::sqlite::statement_reset", id)?;
            s.rows = None;
            s.cursor = 0;
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "sqlite3_finalize",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .sqlite()
                .stmts
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::sqlite::sqlite3_finalize",
                        format!("no statement with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(
        NS,
        "sqlite3_step",
        |mut caller: Caller<'_>, id: u64| -> Result<u32> {
            const F: &str = "lunatic::sqlite::sqlite3_step";
            let s = stmt(&mut caller, F, id)?;
            if s.rows.is_none() {
                match s.run() {
                    Ok(rows) => s.rows = Some(rows),
                    Err(e) => {
                        *s.conn.last_error.lock().expect("sqlite lock") =
                            Some((code(&e), e.to_string()));
                        return Err(fail(F, e.to_string()));
                    }
                }
            }
            let rows = s.rows.as_ref().map_or(0, Vec::len);
            if s.cursor < rows {
                s.cursor += 1;
                Ok(ROW)
            } else {
                Ok(DONE)
            }
        },
    )?;
    linker.func_wrap(
        NS,
        "column_count",
        |mut caller: Caller<'_>, id: u64| -> Result<u32> {
            Ok(stmt(&mut caller, "lunatic::sqlite::column_count", id)?
                .columns
                .len() as u32)
        },
    )?;
    read::add_to_linker(linker)
}
