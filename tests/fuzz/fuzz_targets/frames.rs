//! The cluster's wire format: any bytes on a node's data subject must decode to a batch or
//! to an error — never a panic — and a decoded batch must come back the same through the
//! encoder.
#![no_main]

use grain::cluster::frame::{BatchHeader, HEADER_LEN, decode, encode, write_header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((header, frames)) = decode(data) else {
        return;
    };
    let mut again = vec![0; HEADER_LEN];
    for frame in &frames {
        encode(frame, &mut again);
    }
    let header = BatchHeader {
        count: frames.len() as u32,
        ..header
    };
    write_header(&header, &mut again);
    let (header2, frames2) = decode(&again).expect("what was encoded decodes");
    assert_eq!(header2, header);
    assert_eq!(frames2, frames);
});
