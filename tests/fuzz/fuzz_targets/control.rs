//! The control socket's decoder: any bytes, split into lines as the server reads them, must
//! decode to a request or to an error message — never a panic — and a decoded request must
//! survive a round trip. Shell lines in `eval` requests go through the same classification
//! the server uses to refuse changes over TCP.
#![no_main]

use grain_shell::control::{Endpoint, Request, changes_node, decode_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|b| *b == b'\n') {
        match decode_request(line) {
            Ok(request) => {
                let again = serde_json::to_vec(&request).expect("requests serialize");
                assert_eq!(decode_request(&again).as_ref(), Ok(&request));
                if let Request::Eval { line, .. } = &request {
                    let _ = changes_node(line);
                }
            }
            Err(message) => assert!(message.starts_with("bad request")),
        }
        if let Ok(text) = std::str::from_utf8(line)
            && !text.starts_with("tcp://")
        {
            // Addresses given on the command line (TCP ones would resolve names).
            let _ = text.parse::<Endpoint>();
        }
    }
});
