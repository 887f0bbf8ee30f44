"""users.py: salted password hashes, the TOML users file and its one-line errors, and the sign-in check."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app.signin import SignIn
from assistant.app.users import UsersFileError, hash_password, load_users, main, verify_password
from assistant.viewer import Role, Viewer

DEMO_USERS = Path(__file__).parents[2] / "data" / "demo_users.toml"


def test_a_hash_is_salted_and_verifies_only_its_password():
    first, second = hash_password("s3cret", iterations=1000), hash_password("s3cret", iterations=1000)
    assert first != second and first.startswith("pbkdf2_sha256$1000$")
    assert verify_password("s3cret", first) and verify_password("s3cret", second)
    assert not verify_password("S3cret", first)


def test_a_malformed_or_foreign_hash_never_verifies():
    assert not verify_password("x", "not-a-hash")
    assert not verify_password("x", "md5$1$aa$bb")
    assert not verify_password("x", "pbkdf2_sha256$many$zz$00")


def test_the_demo_file_has_a_leader_an_analyst_and_two_csms_with_the_documented_passwords():
    users = load_users(DEMO_USERS)
    assert {u: users[u].viewer for u in users} == {
        "leader": Viewer.leader(), "analyst": Viewer.analyst(), "leila": Viewer.csm("C005"), "grace": Viewer.csm("C006")}
    check = SignIn(users).attempt
    assert check("leila", "demo-leila") and not check("leila", "demo-grace") and not check("nobody", "demo-leila")
    assert users["leila"].describe() == "Leila Johnson (CSM C005)"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "users.toml"
    path.write_text(text)
    return path


GOOD_HASH = hash_password("pw", iterations=1000)


@pytest.mark.parametrize("body, message", [
    ('[[user]]\nusername = "a"\npassword = "pw"\nrole = "leader"\n', "must be a pbkdf2_sha256 hash"),
    (f'[[user]]\nusername = "a"\npassword = "{GOOD_HASH}"\nrole = "boss"\n', "role is one of leader, analyst, csm"),
    (f'[[user]]\nusername = "a"\npassword = "{GOOD_HASH}"\nrole = "csm"\n', "a CSM viewer needs a csm_id"),
    (f'[[user]]\nusername = "a"\npassword = "{GOOD_HASH}"\nrole = "leader"\nteam = "x"\n', "unknown key(s) team"),
    ('[[user]]\nusername = "a"\nrole = "leader"\n', "missing password"),
    (f'[[user]]\nusername = "a"\npassword = "{GOOD_HASH}"\nrole = "leader"\n' * 2, "'a' appears twice"),
    ('title = "no users"\n', "no [[user]] entries"),
    ('[[user]\n', "not valid TOML"),
])
def test_a_wrong_users_file_is_one_line_naming_file_and_entry(tmp_path, body, message):
    with pytest.raises(UsersFileError) as error:
        load_users(write(tmp_path, body))
    assert message in str(error.value) and "users.toml" in str(error.value) and "\n" not in str(error.value)


def test_a_missing_users_file_is_said_plainly(tmp_path):
    with pytest.raises(UsersFileError, match="no users file at"):
        load_users(tmp_path / "absent.toml")


def test_the_hash_command_reads_stdin_and_prints_a_hash_that_verifies(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("demo-pass\n"))
    assert main(["--stdin"]) == 0
    printed = capsys.readouterr().out.strip()
    assert verify_password("demo-pass", printed)


def test_a_user_entry_gives_the_role_of_the_viewer(tmp_path):
    users = load_users(write(tmp_path, f'[[user]]\nusername = "sam"\npassword = "{GOOD_HASH}"\nrole = "analyst"\n'))
    assert users["sam"].viewer.role is Role.ANALYST and users["sam"].describe() == "sam (analyst)"
