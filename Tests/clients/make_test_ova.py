#!/usr/bin/env python3
"""Writes Tests/clients/test-node.ova: a small, valid OVA (tar: descriptor, manifest, a 2 KiB
placeholder disk file) shaped like a CAPI node image. Deterministic: same bytes on every run.

The descriptor carries what the simulator reads: product name and version, the Kubernetes
version (ProductSection property KUBERNETES_SEMVER), the guest OS (vmw:osType, DISTRO_*), the disk
size (20 GiB, DiskSection), CPU/memory, one NIC, and two vmw:ExtraConfig entries (kept only for
uploaders holding the preserve-ExtraConfig right).

Usage: python3 Tests/clients/make_test_ova.py [OUTPUT]
"""
import hashlib
import io
import os
import sys
import tarfile

DISK_NAME = "test-node-disk1.vmdk"
DISK = (b"vcdscript test OVA: placeholder disk contents, not a real VMDK\n" * 40)[:2048]

DESCRIPTOR = f"""<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:id="file1" ovf:href="{DISK_NAME}" ovf:size="{len(DISK)}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="20" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="nic0"><Description>Node network</Description></Network>
  </NetworkSection>
  <VirtualSystem ovf:id="ubuntu-2204-kube-v1.27.5">
    <Info>A virtual machine</Info>
    <Name>ubuntu-2204-kube-v1.27.5</Name>
    <OperatingSystemSection ovf:id="94" vmw:osType="ubuntu64Guest">
      <Info>The operating system installed</Info>
      <Description>Ubuntu Linux (64-bit)</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>ubuntu-2204-kube-v1.27.5</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-15</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
        <vmw:CoresPerSocket ovf:required="false">2</vmw:CoresPerSocket>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>2048MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>nic0</rasd:Connection>
        <rasd:Description>VmxNet3 ethernet adapter</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <vmw:ExtraConfig ovf:required="false" vmw:key="disk.enableUUID" vmw:value="TRUE"/>
      <vmw:ExtraConfig ovf:required="false" vmw:key="guestinfo.vcdscript.image" vmw:value="test-node"/>
    </VirtualHardwareSection>
    <ProductSection>
      <Info>Information about the installed software</Info>
      <Product>Ubuntu 22.04 and Kubernetes v1.27.5 (vcdscript test node)</Product>
      <Vendor>vcdscript</Vendor>
      <Version>v1.27.5+vmware.1</Version>
      <FullVersion>v1.27.5+vmware.1</FullVersion>
      <Property ovf:userConfigurable="false" ovf:value="v1.27.5" ovf:type="string" ovf:key="KUBERNETES_SEMVER"/>
      <Property ovf:userConfigurable="false" ovf:value="ubuntu" ovf:type="string" ovf:key="DISTRO_NAME"/>
      <Property ovf:userConfigurable="false" ovf:value="22.04" ovf:type="string" ovf:key="DISTRO_VERSION"/>
    </ProductSection>
  </VirtualSystem>
</Envelope>
""".encode()


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    info.uname = info.gname = "root"
    tar.addfile(info, io.BytesIO(data))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "test-node.ova")
    manifest = "".join(f"SHA256({n})= {hashlib.sha256(d).hexdigest()}\n"
                       for n, d in [("test-node.ovf", DESCRIPTOR), (DISK_NAME, DISK)]).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        add(tar, "test-node.ovf", DESCRIPTOR)
        add(tar, "test-node.mf", manifest)
        add(tar, DISK_NAME, DISK)
    with open(out, "wb") as f:
        f.write(buf.getvalue())
    print(f"{out}: {len(buf.getvalue())} bytes")


if __name__ == "__main__":
    main()
