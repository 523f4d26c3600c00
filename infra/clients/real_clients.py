#!/usr/bin/env python3
"""Real third-party clients against diandan's intake, with the demo's configuration.

- WeChat: wechatpy (PyPI), the SDK that implements the WeChat server's side of the callback:
  the URL verification (signature) and a text message in safe mode (AES), whose encrypted
  passive reply wechatpy decrypts and parses.
- Open311 GeoReport v2: georeport (PyPI) lists the services (JSON and XML) and reads a service
  definition; a request is POSTed with plain `requests` (georeport has no POST) and, with
  --follow, read back through georeport once the platform has projected it.
- The hotline entry with the operator token.

Every value comes from the environment that infra/local/env.sh sets (the demo's public values):
INTAKE_URL, WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_AES_KEY, OPEN311_API_KEYS, INTAKE_OPERATOR_TOKENS.
Prints one line per check and exits non-zero on the first failure.
"""
import os
import sys
import time
import uuid

import requests
import xmltodict
from georeport import GeoReport
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

BASE = os.environ.get("INTAKE_URL", "http://127.0.0.1:%s" % os.environ.get("INTAKE_PORT", "3001")).rstrip("/")
TOKEN = os.environ["WECHAT_TOKEN"]
APP_ID = os.environ["WECHAT_APP_ID"]
AES_KEY = os.environ["WECHAT_AES_KEY"]
OPEN311_KEY = os.environ["OPEN311_API_KEYS"].split(",")[0].strip()
OPERATOR_TOKEN = os.environ["INTAKE_OPERATOR_TOKENS"].split(",")[0].strip()
FOLLOW = "--follow" in sys.argv


def ok(what):
    print("  ✓ %s" % what, flush=True)


def fail(what):
    print("  ✗ %s" % what, flush=True)
    sys.exit(1)


def signature(*parts):
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def wechat():
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    echo = requests.get(BASE + "/v1/wechat", params={"signature": signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "echostr": "diandan-echo"}, timeout=10)
    if echo.status_code != 200 or echo.text != "diandan-echo":
        fail("WeChat URL verification: %s %s" % (echo.status_code, echo.text[:200]))
    ok("WeChat URL verification (wechatpy signature)")

    openid = "o-real-client-" + uuid.uuid4().hex[:8]
    plain = (
        "<xml><ToUserName><![CDATA[gh_diandan_demo]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"
        "<CreateTime>%s</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[小区路灯坏了，晚上很黑，请派人修理。]]></Content>"
        "<MsgId>%d</MsgId></xml>" % (openid, timestamp, int(time.time() * 1000))
    )
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    envelope = xmltodict.parse(crypto.encrypt_message(plain, nonce, timestamp))["xml"]
    body = "<xml><ToUserName><![CDATA[gh_diandan_demo]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>" % envelope["Encrypt"]
    params = {
        "signature": signature(TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": openid,
        "encrypt_type": "aes",
        "msg_signature": envelope["MsgSignature"],
    }
    res = requests.post(BASE + "/v1/wechat", params=params, data=body.encode("utf-8"), headers={"Content-Type": "text/xml"}, timeout=10)
    if res.status_code != 200:
        fail("WeChat safe-mode message: %s %s" % (res.status_code, res.text[:300]))
    reply = xmltodict.parse(res.text)["xml"]
    decrypted = crypto.decrypt_message(res.text, reply["MsgSignature"], str(reply["TimeStamp"]), reply["Nonce"])
    message = parse_message(decrypted)
    if message.type != "text" or "查询码" not in message.content:
        fail("WeChat safe-mode reply: %r" % decrypted)
    ok("WeChat safe-mode text message → encrypted passive reply (wechatpy decrypts it): %s" % message.content[:40])


def open311():
    client = GeoReport(BASE + "/open311/v2", api_key=OPEN311_KEY)
    services = client.get_service_list()
    if not services:
        fail("Open311 services.json is empty")
    code = os.environ.get("OPEN311_SERVICE_CODE") or services[0]["service_code"]
    if code not in [s["service_code"] for s in services]:
        fail("Open311 services.json does not list %s" % code)
    ok("Open311 services.json (georeport): %d services, %s among them" % (len(services), code))
    xml_services = GeoReport(BASE + "/open311/v2", output_format="xml").get_service_list()
    if not xml_services:
        fail("Open311 services.xml is empty")
    ok("Open311 services.xml (georeport, XML)")
    definition = client.get_service_definition(code)
    if definition.get("service_code") != code:
        fail("Open311 service definition: %r" % definition)
    ok("Open311 service definition %s" % code)

    form = {"api_key": OPEN311_KEY, "service_code": code, "lat": "29.5630", "long": "106.5516", "description": "Open311 客户端提交：楼道灯不亮", "email": "resident@example.cn"}
    res = requests.post(BASE + "/open311/v2/requests.json", data=form, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=10)
    if res.status_code != 200 and res.status_code != 201:
        fail("Open311 POST requests.json: %s %s" % (res.status_code, res.text[:300]))
    request_id = res.json()[0]["service_request_id"]
    ok("Open311 POST requests.json → service_request_id %s" % request_id)
    if FOLLOW:
        deadline = time.time() + 60
        while True:
            try:
                found = client.get_service_request(request_id)
                ok("Open311 GET requests/%s.json (georeport): status %s" % (request_id, found.get("status")))
                break
            except requests.HTTPError:
                if time.time() > deadline:
                    fail("Open311 request %s never became visible" % request_id)
                time.sleep(1)


def hotline():
    call = {"callId": "real-client-" + uuid.uuid4().hex[:8], "callerNumber": "13800138000", "agentId": "agent-demo", "notes": "来电反映：单位拖欠三个月工资。"}
    res = requests.post(BASE + "/v1/hotline/calls", json=call, headers={"Authorization": "Bearer " + OPERATOR_TOKEN}, timeout=10)
    if res.status_code != 202:
        fail("hotline call: %s %s" % (res.status_code, res.text[:300]))
    ok("hotline call with the operator token → tracking code %s" % res.json()["trackingCode"])


if __name__ == "__main__":
    print("real clients against %s" % BASE, flush=True)
    wechat()
    open311()
    hotline()
