//! Unit tests: every kind of value and argument, spans, and every class of error.

use crate::*;

fn command(src: &str) -> Command {
    parse_line(src)
        .unwrap_or_else(|e| panic!("{src}: {}", e.render(src)))
        .command
        .unwrap()
}

fn arg(src: &str) -> Arg {
    command(&format!("c {src}")).args.remove(0).node
}

fn val(src: &str) -> Value {
    match arg(src) {
        Arg::Value(v) => v,
        other => panic!("{src}: not a value: {other:?}"),
    }
}

fn err(src: &str) -> String {
    parse_line(src).unwrap_err().render(src)
}

fn int(value: i128, ty: Option<IntType>) -> Value {
    Value::Int { value, ty }
}

#[test]
fn integers_with_bases_separators_and_suffixes() {
    assert_eq!(val("5"), int(5, None));
    assert_eq!(val("-3i64"), int(-3, Some(IntType::I64)));
    assert_eq!(val("5u32"), int(5, Some(IntType::U32)));
    assert_eq!(val("0xffu8"), int(255, Some(IntType::U8)));
    assert_eq!(val("0b101"), int(5, None));
    assert_eq!(val("1_000_000"), int(1_000_000, None));
    assert_eq!(
        val("18446744073709551615u64"),
        int(u64::MAX.into(), Some(IntType::U64))
    );
}

#[test]
fn floats_booleans_unit() {
    assert_eq!(
        val("1.5"),
        Value::Float {
            value: 1.5,
            ty: None
        }
    );
    assert_eq!(
        val("-2e3"),
        Value::Float {
            value: -2000.0,
            ty: None
        }
    );
    assert_eq!(
        val("2.5f32"),
        Value::Float {
            value: 2.5,
            ty: Some(FloatType::F32)
        }
    );
    assert_eq!(
        val("1f64"),
        Value::Float {
            value: 1.0,
            ty: Some(FloatType::F64)
        }
    );
    assert_eq!(val("true"), Value::Bool(true));
    assert_eq!(val("()"), Value::Unit);
}

#[test]
fn strings_and_bytes_with_escapes() {
    assert_eq!(
        val(r#""a\n\t\"\\\0\u{e9}""#),
        Value::Str("a\n\t\"\\\0é".into())
    );
    assert_eq!(val(r#""héllo""#), Value::Str("héllo".into()));
    assert_eq!(
        val(r#"b"ab\xff\n""#),
        Value::Bytes(vec![b'a', b'b', 0xff, b'\n'])
    );
}

#[test]
fn pids_names_and_references() {
    assert_eq!(val("<0.12>"), Value::Pid { node: 0, id: 12 });
    assert_eq!(val("#counter"), Value::Name("counter".into()));
    assert_eq!(
        val("#Counter/Bincode/Process/logger"),
        Value::Name("Counter/Bincode/Process/logger".into())
    );
    assert_eq!(val("$3"), Value::Result(3));
    assert_eq!(val("$p"), Value::Var("p".into()));
}

#[test]
fn tuples_lists_maps_nest() {
    let v = val(r#"(1, "two", [3u8, 4u8,], {a: <0.1>, "b": (5,)})"#);
    assert_eq!(
        v.to_string(),
        r#"(1, "two", [3u8, 4u8], {"a": <0.1>, "b": (5,)})"#
    );
    assert_eq!(val("(7)"), int(7, None), "parentheses alone group");
    assert_eq!(val("[]").to_string(), "[]");
    assert_eq!(val("{}").to_string(), "{}");
}

#[test]
fn arguments_of_every_kind() {
    assert_eq!(arg("link"), Arg::Word("link".into()));
    assert_eq!(
        arg("--json"),
        Arg::Flag {
            name: "json".into(),
            value: None
        }
    );
    match arg("--max-fuel=2.5M") {
        Arg::Flag { value: Some(v), .. } => assert_eq!(v.node, Arg::Word("2.5M".into())),
        other => panic!("{other:?}"),
    }
    match arg("--max-fuel=10i64") {
        Arg::Flag { value: Some(v), .. } => {
            assert!(matches!(v.node, Arg::Value(Value::Int { value: 10, .. })))
        }
        other => panic!("{other:?}"),
    }
    match arg("--sort=fuel") {
        Arg::Flag {
            name,
            value: Some(v),
        } => {
            assert_eq!(name, "sort");
            assert_eq!(v.node, Arg::Word("fuel".into()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        arg("examples/wat/hello.wat"),
        Arg::Path("examples/wat/hello.wat".into())
    );
    assert_eq!(arg("hello.wat"), Arg::Path("hello.wat".into()));
    assert_eq!(arg("./x"), Arg::Path("./x".into()));
    assert_eq!(arg("3/5s"), Arg::Path("3/5s".into()));
    match arg(r#"m."_lunatic_spawn_by_index_0.14.1"(1, 2)"#) {
        Arg::Call {
            module,
            function,
            args,
        } => {
            assert_eq!(
                (module.as_str(), function.as_str(), args.len()),
                ("m", "_lunatic_spawn_by_index_0.14.1", 2)
            );
        }
        other => panic!("{other:?}"),
    }
    match arg("hello.main()") {
        Arg::Call {
            module,
            function,
            args,
        } => assert_eq!(
            (module.as_str(), function.as_str(), args.len()),
            ("hello", "main", 0)
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bindings_comments_and_blank_lines() {
    let line = parse_line("p = spawn hello.main() // start it").unwrap();
    assert_eq!(line.binding.unwrap().node, "p");
    assert_eq!(line.command.unwrap().args.len(), 1);
    assert!(parse_line("   ").unwrap().command.is_none());
    assert!(parse_line("// nothing").unwrap().command.is_none());
    let multi = parse_line("send <0.3> [1,\n  2]").unwrap();
    assert_eq!(multi.command.unwrap().args.len(), 2);
}

#[test]
fn spans_point_at_their_text() {
    let src = "send #log (1, \"x\") --as=json";
    let c = command(src);
    assert_eq!(&src[c.name.span.clone()], "send");
    assert_eq!(&src[c.args[0].span.clone()], "#log");
    assert_eq!(&src[c.args[1].span.clone()], "(1, \"x\")");
    assert_eq!(&src[c.args[2].span.clone()], "--as=json");
    match &c.args[1].node {
        Arg::Value(Value::Tuple(items)) => assert_eq!(&src[items[1].span.clone()], "\"x\""),
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_have_a_caret_under_the_fault() {
    assert_eq!(
        err("send <0.x>"),
        "send <0.x>\n        ^\nerror: unexpected 'x', expected a pid like <0.12>"
    );
    assert_eq!(
        err("send 300u8"),
        "send 300u8\n     ^^^^^\nerror: 300 does not fit in u8"
    );
    assert_eq!(
        err("send 5q32"),
        "send 5q32\n      ^^^\nerror: unknown suffix \"q32\", expected i8 or i16 or i32 or i64 or u8 or u16 or u32 or u64 or f32 or f64"
    );
    assert_eq!(
        err("send \"a\\qb\""),
        "send \"a\\qb\"\n       ^^\nerror: unknown escape, expected \\n or \\t or \\r or \\0 or \\\\ or \\\" or \\xNN or \\u{N}"
    );
    assert_eq!(
        err("send [1 2]"),
        "send [1 2]\n        ^\nerror: unexpected '2', expected ',' or ']'"
    );
    assert_eq!(
        err("= ps"),
        "= ps\n^\nerror: a binding needs a name before `=`, expected a name"
    );
    assert_eq!(
        err("p ="),
        "p =\n   ^\nerror: `=` needs a command after it, expected a command"
    );
    assert_eq!(
        err("kill foo@bar"),
        "kill foo@bar\n        ^^^^\nerror: unexpected \"@bar\" after \"foo\", expected a space"
    );
    assert_eq!(
        err("send b\"é\""),
        "send b\"é\"\n       ^\nerror: non-ASCII character in a byte string, expected \\xNN"
    );
    assert_eq!(
        err("ps ?"),
        "ps ?\n   ^\nerror: unexpected '?', expected an argument"
    );
}

#[test]
fn unfinished_input_is_incomplete_not_wrong() {
    for src in [
        "send <0.1> [1, 2",
        "send \"abc",
        "send b\"ab",
        "send {a: 1",
        "spawn m.f(1,",
        "send (1, (2",
    ] {
        let e = parse_line(src).unwrap_err();
        assert!(e.incomplete, "{src}: {e}");
    }
    assert!(!parse_line("send ]").unwrap_err().incomplete);
    assert_eq!(
        err("send [1, 2"),
        "send [1, 2\n     ^\nerror: unclosed '[', expected ']'"
    );
}

#[test]
fn carets_count_characters_not_bytes_and_find_the_right_line() {
    assert_eq!(
        err("send \"é\" ?"),
        "send \"é\" ?\n         ^\nerror: unexpected '?', expected an argument"
    );
    assert_eq!(
        err("send [1,\n 2 3]"),
        " 2 3]\n   ^\nerror: unexpected '3', expected ',' or ']'"
    );
}

#[test]
fn a_binding_takes_a_plain_value_and_a_bare_name_is_a_reference() {
    let line = parse_line("x = 5").unwrap();
    assert_eq!(line.binding.unwrap().node, "x");
    assert!(line.command.is_none());
    assert_eq!(line.value.unwrap().node, int(5, None));
    let list = parse_line("x = [1,\n 2]").unwrap();
    assert!(matches!(list.value.unwrap().node, Value::List(items) if items.len() == 2));
    assert!(parse_line("x = [1,").unwrap_err().incomplete);
    assert_eq!(
        err("x = 5 6"),
        "x = 5 6\n      ^\nerror: unexpected '6', expected the end of the line after the value"
    );
    // A command stays a command, and a bare name inside a call is a binding.
    let spawn = parse_line("c = spawn probe.pinger(sl, 3)").unwrap();
    let command = spawn.command.unwrap();
    let Arg::Call { args, .. } = &command.args[0].node else {
        panic!("a call")
    };
    assert_eq!(args[0].node, Value::Var("sl".into()));
    assert_eq!(val("[a, true]").to_string(), "[$a, true]");
}

#[test]
fn a_hash_and_a_space_start_a_comment_and_a_dotted_word_is_a_path() {
    assert!(parse_line("# a comment").unwrap().command.is_none());
    let line = parse_line("whereis #counter # who is it").unwrap();
    let args = line.command.unwrap().args;
    assert_eq!(args.len(), 1, "{args:?}");
    assert_eq!(arg("README.md"), Arg::Path("README.md".into()));
}

#[test]
fn a_module_version_is_part_of_the_word_and_of_a_call() {
    assert_eq!(arg("counter@2"), Arg::Word("counter@2".into()));
    match arg("counter@12.serve(1)") {
        Arg::Call {
            module, function, ..
        } => assert_eq!(
            (module.as_str(), function.as_str()),
            ("counter@12", "serve")
        ),
        other => panic!("not a call: {other:?}"),
    }
    assert!(
        err("c counter@x").contains("unexpected"),
        "{}",
        err("c counter@x")
    );
}

#[test]
fn an_amount_after_a_flag_without_equals_is_its_value() {
    let c = command("upgrade t --timeout 5s --max-fuel 10M");
    let words: Vec<&Arg> = c.args.iter().map(|a| &a.node).collect();
    assert_eq!(words[2], &Arg::Word("5s".into()));
    assert_eq!(words[4], &Arg::Word("10M".into()));
    // Elsewhere a number with an unknown suffix is still an error, and a typed number
    // after a flag is still a value.
    assert!(
        err("send p 2s").contains("unknown suffix"),
        "{}",
        err("send p 2s")
    );
    let c = command("spawn m.f() --max-fuel 5u64");
    assert!(matches!(c.args[2].node, Arg::Value(_)), "{:?}", c.args);
}
