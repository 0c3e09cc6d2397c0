fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap_or_default();
    let doc = lopdf::Document::load_mem(&bytes);
    match doc {
        Ok(d) => {
            println!("trailer: {:?}", d.trailer);
            for pw in ["", "foo", "baz"] {
                println!(
                    "{pw:?}: either={:?} owner={:?} user={:?}",
                    d.authenticate_password(pw),
                    d.authenticate_owner_password(pw),
                    d.authenticate_user_password(pw)
                );
            }
        }
        Err(e) => println!("load err {e:?}"),
    }
}
