"""The crossbar client and the Kazoo adapter against the crossbar emulator over real HTTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bot.engine.compiler import compile_group
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.validation import parse_group
from bot.pbx import PbxRejected, PbxUnreachable
from bot.pbx.kazoo import (
    CrossbarClient,
    DeletedOnPbx,
    KazooAccountBinder,
    KazooAuthFailed,
    KazooPbx,
    KazooRejected,
)
from tests.crossbar.emulator import CrossbarEmulator
from tests.engine import builders
from tests.engine.golden import case_names, load
from tests.shared_files import require_shared, shared_dir

READ_TIMEOUT = 0.5  # the emulator's slow answers take longer than this


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    # schema checks only where ../shared is there; tests about them require it
    with CrossbarEmulator(validate=shared_dir() is not None) as emulator:
        yield emulator


@pytest.fixture
def client(crossbar: CrossbarEmulator) -> Iterator[CrossbarClient]:
    with CrossbarClient(crossbar.url, crossbar.api_key, read_timeout=READ_TIMEOUT) as client:
        yield client


@pytest.fixture
def pbx(client: CrossbarClient, crossbar: CrossbarEmulator) -> KazooPbx:
    return KazooPbx(client, crossbar.account_id)


def sales() -> tuple[GroupDocuments, PbxIds]:
    group = parse_group(builders.group_data())
    return compile_group(group, builders.IDS, builders.directory()), builders.IDS


# -- authentication ---------------------------------------------------------------------


def test_the_api_key_gives_the_account_and_one_token_serves_many_calls(
    client: CrossbarClient, crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    assert client.authenticate() == crossbar.account_id
    pbx.list("groups")
    pbx.list("callflows")
    assert crossbar.count("PUT", "/api_auth") == 1


def test_an_expired_token_is_renewed_once_and_the_call_goes_through(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    documents, ids = sales()
    pbx.create("groups", ids.group_id, documents.group)
    crossbar.expire_tokens()

    pbx.put("groups", ids.group_id, documents.group | {"name": "Sales team"})

    assert crossbar.documents("groups")[ids.group_id]["name"] == "Sales team"
    assert crossbar.count("PUT", "/api_auth") == 2


def test_a_token_refused_again_after_renewal_is_not_retried_forever(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    crossbar.token_ttl = 0  # every token is stale on arrival
    with pytest.raises(KazooRejected) as refused:
        pbx.list("groups")
    assert refused.value.status == 401
    assert crossbar.count("PUT", "/api_auth") == 2


def test_an_unknown_api_key_is_refused_in_words_an_admin_understands(
    crossbar: CrossbarEmulator,
) -> None:
    binder = KazooAccountBinder(crossbar.url)
    assert binder.confirm_account(crossbar.api_key) == crossbar.account_id
    for wrong in ("f" * 64, "too-short"):
        with pytest.raises(KazooAuthFailed, match="The PBX did not accept this API key"):
            binder.confirm_account(wrong)
    assert issubclass(KazooAuthFailed, PbxRejected)


# -- lists ------------------------------------------------------------------------------


def test_a_listing_is_read_page_after_page(crossbar: CrossbarEmulator, pbx: KazooPbx) -> None:
    crossbar.page_size = 3
    made = {crossbar.seed("users", {"first_name": f"User {i}"}) for i in range(8)}

    rows = pbx.list("users")

    assert sorted(row["id"] for row in rows) == sorted(made)
    assert crossbar.count("GET", "/users") == 3  # 3 + 3 + 2


def test_a_listing_takes_crossbars_filters(crossbar: CrossbarEmulator, pbx: KazooPbx) -> None:
    documents, ids = sales()
    pbx.push_group(documents, ids)
    crossbar.seed("callflows", {"name": "Main", "numbers": ["0"], "flow": {"module": "play"}})

    rows = pbx.list("callflows", filter_group_id=ids.group_id, filter_type="baseGroup")

    assert [row["id"] for row in rows] == [ids.base_callflow_id]


# -- errors -----------------------------------------------------------------------------


def test_a_number_taken_by_another_callflow_is_named_in_plain_words(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    crossbar.seed("callflows", {"name": "Support Ring Group", "numbers": ["201"], "flow": {}})
    documents, ids = sales()
    pbx.put("groups", ids.group_id, documents.group)
    pbx.put("callflows", ids.base_callflow_id, documents.base_callflow)

    with pytest.raises(PbxRejected) as refused:
        pbx.put("callflows", ids.user_callflow_id, documents.user_callflow)

    assert str(refused.value) == "201 is already used on the PBX by callflow Support Ring Group"
    assert ids.user_callflow_id not in crossbar.documents("callflows")


def test_a_schema_refusal_names_the_field_and_the_rule(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    require_shared("kazoo", "schemas")
    documents, ids = sales()
    base = documents.base_callflow
    broken = base | {"flow": base["flow"] | {"data": base["flow"]["data"] | {"repeats": 0}}}

    with pytest.raises(PbxRejected) as refused:
        pbx.create("callflows", ids.base_callflow_id, broken)

    assert str(refused.value) == "flow.data.repeats: value must be at least 1 (sent 0)"
    assert refused.value.fields[0].path == "flow.data.repeats"


def test_a_missing_document_is_404_for_reads_and_fine_for_deletes(
    client: CrossbarClient, pbx: KazooPbx
) -> None:
    with pytest.raises(KazooRejected, match="the PBX has no callflow 0123") as missing:
        client.get(pbx.path("callflows", "0123"))
    assert missing.value.status == 404
    assert missing.value.error == "bad_identifier"
    assert pbx.read("callflows", "0123") is None
    pbx.delete("callflows", "0123")


def test_an_account_the_key_may_not_use_is_refused(
    crossbar: CrossbarEmulator, client: CrossbarClient
) -> None:
    stranger = crossbar.add_account()
    with pytest.raises(PbxRejected, match="403 forbidden"):
        KazooPbx(client, stranger.account_id).list("groups")


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_unreachable_and_change_nothing(
    crossbar: CrossbarEmulator, pbx: KazooPbx, status: int
) -> None:
    documents, ids = sales()
    crossbar.fail(status, method="PUT")
    with pytest.raises(PbxUnreachable, match=f"answered {status}"):
        pbx.create("groups", ids.group_id, documents.group)
    assert crossbar.documents("groups") == {}


def test_a_write_conflict_is_tried_once_more_then_left_to_the_retry(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    documents, ids = sales()
    pbx.create("groups", ids.group_id, documents.group)

    crossbar.fail(409, method="POST")
    pbx.put("groups", ids.group_id, documents.group | {"name": "Once"})
    assert crossbar.documents("groups")[ids.group_id]["name"] == "Once"

    crossbar.fail(409, method="POST", times=2)
    with pytest.raises(PbxUnreachable, match="conflicting write"):
        pbx.put("groups", ids.group_id, documents.group | {"name": "Twice"})

    crossbar.fail(409, method="DELETE")
    pbx.delete("groups", ids.group_id)
    assert crossbar.is_deleted(ids.group_id)


def test_an_answer_slower_than_the_timeout_is_unreachable(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    crossbar.slow(READ_TIMEOUT * 4, method="GET")
    with pytest.raises(PbxUnreachable, match=r"did not answer GET \S+ in time"):
        pbx.list("groups")


def test_a_connection_dropped_mid_answer_is_unreachable(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    crossbar.drop(method="GET")
    with pytest.raises(PbxUnreachable, match="cannot reach the PBX"):
        pbx.list("groups")


def test_a_pbx_that_is_down_is_unreachable_until_it_is_back(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    crossbar.down()
    with pytest.raises(PbxUnreachable):
        pbx.list("groups")
    crossbar.up()
    assert pbx.list("groups") == []


def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with (
        CrossbarClient(f"http://127.0.0.1:{port}", "k" * 64, connect_timeout=0.5) as client,
        pytest.raises(PbxUnreachable, match="cannot reach the PBX"),
    ):
        client.authenticate()


# -- ids, order, and creates retried ----------------------------------------------------


def test_a_group_is_created_in_smartpbx_order_under_groupbots_ids(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    documents, ids = sales()
    for collection, doc_id, document in documents.by_collection(ids):
        assert pbx.create(collection, doc_id, document) == doc_id

    writes = [(m, p.rsplit("/", 1)[-1]) for m, p in crossbar.requests if m != "GET"][1:]
    assert writes == [("PUT", "groups"), ("PUT", "callflows"), ("PUT", "callflows")]
    callflows = crossbar.documents("callflows")
    assert set(crossbar.documents("groups")) == {ids.group_id}
    assert set(callflows) == {ids.base_callflow_id, ids.user_callflow_id}
    assert callflows[ids.base_callflow_id]["group_id"] == ids.group_id
    assert callflows[ids.user_callflow_id]["flow"]["data"]["id"] == ids.base_callflow_id


def test_put_creates_what_is_missing_and_replaces_what_is_there(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    documents, ids = sales()
    pbx.push_group(documents, ids)
    assert crossbar.count("PUT", "/callflows") == 2

    renamed = documents.group | {"name": "Sales team"}
    pbx.put("groups", ids.group_id, renamed)
    assert pbx.read("groups", ids.group_id) == renamed
    assert crossbar.count("PUT", "/groups") == 1  # the rename was one POST


@pytest.mark.parametrize("collection", ["groups", "callflows"])
@pytest.mark.parametrize("lost", ["drop", "slow"])
def test_a_create_retried_after_a_lost_answer_leaves_one_document(
    crossbar: CrossbarEmulator, pbx: KazooPbx, collection: str, lost: str
) -> None:
    documents, ids = sales()
    doc_id, document = {
        "groups": (ids.group_id, documents.group),
        "callflows": (ids.user_callflow_id, documents.user_callflow),
    }[collection]
    if lost == "drop":
        crossbar.drop(method="PUT", path=collection)
    else:
        crossbar.slow(READ_TIMEOUT * 4, method="PUT", path=collection)

    with pytest.raises(PbxUnreachable):
        pbx.create(collection, doc_id, document)
    assert pbx.create(collection, doc_id, document) == doc_id  # the outbox's retry

    assert list(crossbar.documents(collection)) == [doc_id]
    assert pbx.read(collection, doc_id) == document


def test_an_id_deleted_on_the_pbx_cannot_be_created_again(
    crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    documents, ids = sales()
    pbx.push_group(documents, ids)
    pbx.delete_group(ids)
    assert crossbar.documents("callflows") == {} == crossbar.documents("groups")
    assert crossbar.is_deleted(ids.group_id)

    with pytest.raises(DeletedOnPbx, match="deleted on the PBX"):
        pbx.put("groups", ids.group_id, documents.group)
    # its numbers are free again: a new group may take 201
    fresh = PbxIds.new()
    again = compile_group(parse_group(builders.group_data()), fresh, builders.directory())
    pbx.push_group(again, fresh)
    assert set(crossbar.documents("callflows")) == {fresh.base_callflow_id, fresh.user_callflow_id}


# -- our documents, exactly ---------------------------------------------------------------


@pytest.mark.parametrize("case", case_names())
def test_compiled_groups_are_accepted_and_kept_exactly_as_compiled(
    crossbar: CrossbarEmulator, client: CrossbarClient, case: str
) -> None:
    require_shared("kazoo", "schemas")
    golden = load(case)
    documents, ids = golden.compile(), golden.ids
    pbx = KazooPbx(client, crossbar.add_account(parent=crossbar.account_id).account_id)

    pbx.push_group(documents, ids)

    for collection, doc_id, document in documents.by_collection(ids):
        assert crossbar.documents(collection, pbx.account_id)[doc_id] == document
        assert pbx.read(collection, doc_id) == document
