#!/usr/bin/env python3
"""pyvcloud 23.0.4 against `vcdscript sim serve` (external-clients.md §1).

Usage: pyvcloud_suite.py BASE_URL PASSWORD OVA
Prints one line per check: `ok <name>` or `not ok <name> - <reason>`; exits 1 if any failed.
Every persona has PASSWORD (the script runs `sim reset --password`). TLS is not verified.
"""
import base64
import json
import os
import signal
import sys
import traceback
import warnings

import requests
import urllib3

from pyvcloud.vcd.client import BasicLoginCredentials, Client, EntityType
from pyvcloud.vcd.org import Org
from pyvcloud.vcd.vdc import VDC

warnings.filterwarnings("ignore")
urllib3.disable_warnings()

BASE, PW, OVA = sys.argv[1], sys.argv[2], sys.argv[3]
results = []


def check(name):
    def wrap(fn):
        signal.alarm(90)  # pyvcloud's task timeout never fires (external-clients.md §1.5)
        try:
            fn()
            results.append(True)
            print(f"ok {name}", flush=True)
        except Exception as e:  # noqa: BLE001
            results.append(False)
            detail = "".join(traceback.format_exception_only(type(e), e)).strip().replace("\n", " | ")
            print(f"not ok {name} - {detail}", flush=True)
        finally:
            signal.alarm(0)
        return fn
    return wrap


def alarm(*_):
    raise TimeoutError("timed out")


signal.signal(signal.SIGALRM, alarm)


def login(user, org, password=PW):
    c = Client(BASE, verify_ssl_certs=False, log_file=os.devnull)
    c.set_credentials(BasicLoginCredentials(user, org, password))
    return c


def cloudapi(method, path, token, body=None):
    import time
    for _ in range(50):  # the gateway is busy while its creation task runs (BUSY_ENTITY)
        r = requests.request(method, f"{BASE}/cloudapi/1.0.0{path}", verify=False, json=body,
                             headers={"Accept": "application/json;version=37.2", "Authorization": f"Bearer {token}"})
        if r.status_code == 400 and "BUSY_ENTITY" in r.text:
            time.sleep(0.1)
            continue
        break
    if r.status_code >= 400:
        raise RuntimeError(f"{method} {path}: {r.status_code} {r.text}")
    return r


def provider_token():
    basic = base64.b64encode(f"administrator@System:{PW}".encode()).decode()
    r = requests.post(f"{BASE}/cloudapi/1.0.0/sessions/provider", verify=False,
                      headers={"Accept": "application/json;version=37.2", "Authorization": f"Basic {basic}"})
    r.raise_for_status()
    return r.headers["X-VMWARE-VCLOUD-ACCESS-TOKEN"]


def setup_network():
    """A routed network t-net (with an edge gateway and an SNAT rule), through the JSON API."""
    tok = provider_token()
    vdc = cloudapi("GET", "/vdcs?filter=name==t-tenant", tok).json()["values"][0]["id"]
    ext = cloudapi("GET", "/externalNetworks", tok).json()["values"][0]["id"]
    cloudapi("POST", "/edgeGateways", tok, {"name": "t1-py", "ownerRef": {"id": vdc},
                                            "edgeGatewayUplinks": [{"uplinkId": ext, "quickAddAllocatedIpCount": 2}]})
    gw = cloudapi("GET", "/edgeGateways?filter=name==t1-py", tok).json()["values"][0]
    cloudapi("POST", "/orgVdcNetworks", tok, {
        "name": "t-net", "ownerRef": {"id": vdc}, "networkType": "NAT_ROUTED",
        "connection": {"routerRef": {"id": gw["id"]}, "connectionType": "INTERNAL"},
        "subnets": {"values": [{"gateway": "192.168.50.1", "prefixLength": 24, "dnsServer1": "198.51.100.53",
                                "ipRanges": {"values": [{"startAddress": "192.168.50.10", "endAddress": "192.168.50.50"}]}}]}})


setup_network()
tenant = None
provider = None


@check("tenant login (administrator@xav_lab)")
def _():
    global tenant
    tenant = login("administrator", "xav_lab")
    assert not tenant.is_sysadmin()
    assert tenant.get_org().get("name") == "xav_lab"


@check("provider login (administrator@System)")
def _():
    global provider
    provider = login("administrator", "System")
    assert provider.is_sysadmin()


@check("org list (provider sees System and xav_lab; tenant its own org)")
def _():
    names = sorted(o.get("name") for o in provider.get_org_list())
    assert names == ["System", "xav_lab"], names
    assert [o.get("name") for o in tenant.get_org_list()] == ["xav_lab"]
    assert provider.get_org_by_name("xav_lab").get("name") == "xav_lab"


@check("VDC list and resources")
def _():
    org = Org(tenant, resource=tenant.get_org())
    vdcs = [v["name"] for v in org.list_vdcs()]
    assert vdcs == ["t-tenant"], vdcs
    vdc = VDC(tenant, resource=org.get_vdc("t-tenant"))
    assert vdc.list_resources() == [], vdc.list_resources()


@check("network list (records, routed)")
def _():
    org = Org(tenant, resource=tenant.get_org())
    vdc = VDC(tenant, resource=org.get_vdc("t-tenant"))
    recs = vdc.list_orgvdc_network_records()
    assert [r["name"] for r in recs] == ["t-net"], recs
    routed = vdc.list_orgvdc_routed_networks()
    assert [n.get("name") for n in routed] == ["t-net"], routed


@check("catalog create waits on its task, lists, deletes")
def _():
    org = Org(tenant, resource=tenant.get_org())
    cat = org.create_catalog("cat-py", "made by pyvcloud")
    task = tenant.get_task_monitor().wait_for_success(task=cat.Tasks.Task[0], poll_frequency=0.2)
    assert task.get("status") == "success", task.get("status")
    org.reload()
    assert "cat-py" in [c["name"] for c in org.list_catalogs()]
    assert org.list_catalog_items("cat-py") == []
    org.delete_catalog("cat-py")
    org.reload()
    assert "cat-py" not in [c["name"] for c in org.list_catalogs()]


@check("provider lists catalogs (adminCatalog query)")
def _():
    org = Org(provider, resource=provider.get_org_by_name("xav_lab"))
    org.create_catalog("cat-admin", "")
    assert "cat-admin" in [c["name"] for c in org.list_catalogs()]
    org.delete_catalog("cat-admin")


@check("OVA upload (descriptor, then files) and catalog item")
def _():
    org = Org(tenant, resource=tenant.get_org())
    cat = org.create_catalog("cat-ova", "")
    tenant.get_task_monitor().wait_for_success(task=cat.Tasks.Task[0], poll_frequency=0.2)
    org.reload()
    n = org.upload_ovf("cat-ova", OVA, item_name="test-node")
    assert n > 0
    items = org.list_catalog_items("cat-ova")
    assert [i["name"] for i in items] == ["test-node"], items
    item = org.get_catalog_item("cat-ova", "test-node")
    tpl = tenant.get_resource(item.Entity.get("href"))
    assert tpl.get("status") == "8", tpl.get("status")
    vm = tpl.Children.Vm[0]
    assert vm.get("name") == "ubuntu-2204-kube-v1.27.5", vm.get("name")
    ns = "{http://schemas.dmtf.org/ovf/envelope/1}"
    assert tpl.find(ns + "ProductSection").find(ns + "Product").text.startswith("Ubuntu 22.04 and Kubernetes v1.27.5")


@check("vApp instantiated from the uploaded template gets a pool address, powers off, is deleted")
def _():
    from pyvcloud.vcd.vapp import VApp
    org = Org(tenant, resource=tenant.get_org())
    vdc = VDC(tenant, resource=org.get_vdc("t-tenant"))
    res = vdc.instantiate_vapp("vapp-inst", "cat-ova", "test-node", network="t-net", ip_allocation_mode="pool",
                               vm_name="node-1", hostname="node-1")
    tenant.get_task_monitor().wait_for_success(task=res.Tasks.Task[0], poll_frequency=0.2)
    vdc.reload()
    vapp = VApp(tenant, resource=vdc.get_vapp("vapp-inst"))
    vm = vapp.resource.Children.Vm[0]
    assert vm.get("name") == "node-1", vm.get("name")
    assert vm.get("status") == "4", vm.get("status")
    ip = vm.NetworkConnectionSection.NetworkConnection.IpAddress.text
    assert ip == "192.168.50.10", ip
    tenant.get_task_monitor().wait_for_success(task=vapp.undeploy(), poll_frequency=0.2)
    vapp.reload()
    assert vapp.resource.Children.Vm[0].get("status") == "8"
    tenant.get_task_monitor().wait_for_success(task=vdc.delete_vapp("vapp-inst"), poll_frequency=0.2)
    org.delete_catalog_item("cat-ova", "test-node")
    org.delete_catalog("cat-ova")


@check("provider shares a System catalog with xav_lab (controlAccess) and publishes it; the tenant lists it")
def _():
    sysorg = Org(provider, resource=provider.get_org())
    cat = sysorg.create_catalog("cat-shared", "provider images")
    provider.get_task_monitor().wait_for_success(task=cat.Tasks.Task[0], poll_frequency=0.2)
    sysorg.reload()
    tenant_org = Org(tenant, resource=tenant.get_org())
    assert "cat-shared" not in [c["name"] for c in tenant_org.list_catalogs()]
    acl = sysorg.add_catalog_access_settings("cat-shared", [{"type": "org", "name": "xav_lab", "access_level": "ReadOnly"}])
    assert [(s.Subject.get("name"), s.AccessLevel.text) for s in acl.AccessSettings.AccessSetting] == [("xav_lab", "ReadOnly")]
    acl = sysorg.get_catalog_access_settings("cat-shared")
    assert acl.IsSharedToEveryone.text == "false", acl.IsSharedToEveryone.text
    assert acl.AccessSettings.AccessSetting[0].Subject.get("type") == EntityType.ADMIN_ORG.value
    assert "cat-shared" in [c["name"] for c in tenant_org.list_catalogs()]
    sysorg.remove_catalog_access_settings("cat-shared", remove_all=True)
    assert "cat-shared" not in [c["name"] for c in tenant_org.list_catalogs()]
    sysorg.share_catalog("cat-shared")
    assert sysorg.get_catalog("cat-shared").IsPublished.text == "true"
    assert "cat-shared" in [c["name"] for c in tenant_org.list_catalogs()]
    sysorg.share_catalog("cat-shared", share=False)
    assert "cat-shared" not in [c["name"] for c in tenant_org.list_catalogs()]
    sysorg.delete_catalog("cat-shared")


@check("vApp create, list, delete")
def _():
    org = Org(tenant, resource=tenant.get_org())
    vdc = VDC(tenant, resource=org.get_vdc("t-tenant"))
    vapp = vdc.create_vapp("vapp-py", description="from pyvcloud", network="t-net")
    assert vapp.get("name") == "vapp-py"
    vdc.reload()
    assert [r["name"] for r in vdc.list_resources(EntityType.VAPP)] == ["vapp-py"]
    q = tenant.get_typed_query("vApp", query_result_format=__import__("pyvcloud.vcd.client", fromlist=["x"]).QueryResultFormat.RECORDS)
    assert [r.get("name") for r in q.execute()] == ["vapp-py"]
    tenant.get_task_monitor().wait_for_success(task=vdc.delete_vapp("vapp-py", force=True), poll_frequency=0.2)
    vdc.reload()
    assert vdc.list_resources(EntityType.VAPP) == []


@check("a version the server does not list is refused: pyvcloud pinned to API 32.0 gets 406 NOT_ACCEPTABLE")
def _():
    c = Client(BASE, api_version="32.0", verify_ssl_certs=False, log_file=os.devnull)
    try:
        c.set_credentials(BasicLoginCredentials("administrator", "xav_lab", PW))
    except Exception as e:  # noqa: BLE001
        text = str(e)
        assert "406" in text or "NOT_ACCEPTABLE" in text or "not supported" in text.lower(), text
    else:
        raise AssertionError("logged in at API 32.0, which /api/versions does not list")


@check("pyvcloud pinned to API 36.0")
def _():
    c = Client(BASE, api_version="36.0", verify_ssl_certs=False, log_file=os.devnull)
    c.set_credentials(BasicLoginCredentials("administrator", "xav_lab", PW))
    assert c.get_org().get("name") == "xav_lab"
    assert [v["name"] for v in Org(c, resource=c.get_org()).list_vdcs()] == ["t-tenant"]
    c.logout()


@check("legacy login at API 36.0 (POST /api/sessions, x-vcloud-authorization)")
def _():
    basic = base64.b64encode(f"administrator@xav_lab:{PW}".encode()).decode()
    r = requests.post(f"{BASE}/api/sessions", verify=False,
                      headers={"Accept": "application/*+xml;version=36.0", "Authorization": f"Basic {basic}"})
    assert r.status_code == 200, r.status_code
    token = r.headers["x-vcloud-authorization"]
    orgs = requests.get(f"{BASE}/api/org", verify=False,
                        headers={"Accept": "application/*+xml;version=36.0", "x-vcloud-authorization": token})
    assert orgs.status_code == 200 and "xav_lab" in orgs.text, orgs.status_code


@check("logout invalidates the token")
def _():
    c = login("administrator", "xav_lab")
    token = c._session.headers.get("Authorization") or c._session.headers.get("x-vcloud-authorization")
    c.logout()
    r = requests.get(f"{BASE}/api/session", verify=False, headers={"Accept": "application/*+xml;version=36.0", "Authorization": token})
    assert r.status_code == 401, r.status_code


@check("wrong password refused")
def _():
    try:
        login("administrator", "xav_lab", password=PW + "-wrong")
    except Exception as e:  # noqa: BLE001
        assert "nauthorized" in type(e).__name__ or "Login failed" in str(e) or "401" in str(e), repr(e)
        return
    raise AssertionError("login with a wrong password succeeded")


for c in (tenant, provider):
    try:
        c and c.logout()
    except Exception:  # noqa: BLE001
        pass
sys.exit(0 if all(results) else 1)
