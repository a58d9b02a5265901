use odata_runtime::Query;
use odata_runtime::expand::{Expand, IntoExpand, Many, One};
use odata_runtime::filter::Operand;
use odata_runtime::request::Field;

// Two entity types as a generated crate declares them: `User` (manager, memberOf)
// and `Group` (owners).
#[derive(Clone, Copy, Debug)]
enum UserField {
    Id,
}
impl Field for UserField {
    fn wire_name(self) -> &'static str {
        "id"
    }
}
#[derive(Clone, Copy, Debug)]
enum GroupField {
    Id,
    DisplayName,
}
impl Field for GroupField {
    fn wire_name(self) -> &'static str {
        match self {
            GroupField::Id => "id",
            GroupField::DisplayName => "displayName",
        }
    }
}
impl GroupField {
    const DISPLAY_NAME: Operand<String> = Operand::property("displayName");
}
#[derive(Clone, Copy, Debug)]
enum GroupNav {
    Owners,
}
impl IntoExpand<GroupField> for GroupNav {
    fn into_expand(self) -> String {
        match self {
            GroupNav::Owners => "owners".into(),
        }
    }
}
fn member_of() -> Expand<UserField, GroupField, Many> {
    Expand::new("memberOf")
}
fn manager() -> Expand<UserField, UserField, One> {
    Expand::new("manager")
}
fn owners() -> Expand<GroupField, UserField, Many> {
    Expand::new("owners")
}

#[test]
fn a_plain_item_is_its_path() {
    assert_eq!(member_of().to_string(), "memberOf");
    assert_eq!(manager().into_expand(), "manager");
    assert_eq!(GroupNav::Owners.into_expand(), "owners");
}

#[test]
fn nested_options_in_the_fixed_order_separated_by_semicolons() {
    let e = member_of()
        .top(5)
        .orderby_desc(GroupField::DisplayName)
        .filter(GroupField::DISPLAY_NAME.starts_with("A&B;C"))
        .expand(owners().select([UserField::Id]).levels(2))
        .expand(GroupNav::Owners)
        .select([GroupField::Id, GroupField::DisplayName])
        .skip(1)
        .count(true)
        .search("x")
        .levels_max();
    assert_eq!(
        e.to_string(),
        "memberOf($select=id,displayName;$expand=owners($select=id;$levels=2),owners;\
         $filter=startswith(displayName,'A&B;C');$search=x;$orderby=displayName desc;\
         $top=5;$skip=1;$count=true;$levels=max)"
    );
    assert_eq!(manager().levels(3).to_string(), "manager($levels=3)");
    assert_eq!(
        manager()
            .select_raw(["ns.Derived/x"])
            .expand_raw(["*"])
            .to_string(),
        "manager($select=ns.Derived/x;$expand=*)"
    );
    let d = format!("{:?}", manager().select([UserField::Id]));
    assert_eq!(d, "Expand(\"manager($select=id)\")");
}

#[test]
fn an_item_in_a_query_is_percent_encoded_as_one_value() {
    let item = member_of()
        .filter(GroupField::DISPLAY_NAME.eq("a&b=c#d"))
        .into_expand();
    let q = Query::new().expand([item]);
    assert_eq!(
        q.encode(),
        "$expand=memberOf($filter=displayName%20eq%20'a%26b=c%23d')"
    );
}
