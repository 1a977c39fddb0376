"""Fetching a document named by URL in a webhook delivery, defensively (SSRF):

- only http(s), only from hosts allow-listed for that source;
- the host is resolved first and every address checked: loopback, private, link-local and other
  non-global addresses are refused unless the source sets `allow_private`; the connection then goes to
  the checked address (Host header and TLS SNI keep the name), so a second DNS answer cannot differ;
- redirects are followed by hand, at most a few, and only to the same host;
- timeouts on connect and read, and a size cap enforced while streaming.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import PurePosixPath
from urllib.parse import unquote

import httpx

from services.ingest.limits import read_capped


class FetchError(Exception):
    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.status = status
        self.zh, self.en = zh, en


@dataclass
class Fetched:
    data: bytes
    content_type: str | None
    filename: str | None
    url: str


def host_allowed(host: str, allow_hosts: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(fnmatch(host, pattern.lower()) if "*" in pattern else host == pattern.lower().rstrip(".")
               for pattern in allow_hosts)


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve_checked(host: str, port: int, allow_private: bool) -> str:
    """An address of `host` that may be connected to; FetchError when none may."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(502, f"无法解析主机 {host}", f"cannot resolve host {host}") from None
    addrs = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addrs:
        raise FetchError(502, f"无法解析主机 {host}", f"cannot resolve host {host}")
    bad = [a for a in addrs if not _public(a)]
    if bad and not allow_private:
        # All or nothing: a name with one private answer is refused, whichever answer we would pick.
        raise FetchError(422, f"主机 {host} 解析到内网或本机地址 {bad[0]}，不允许抓取",
                         f"host {host} resolves to a private or loopback address ({bad[0]}); fetching refused")
    return str(addrs[0])


def _filename(url: httpx.URL) -> str | None:
    name = PurePosixPath(unquote(url.path)).name
    return name[:255] or None


async def fetch(url: str, *, allow_hosts: list[str], allow_private: bool, max_bytes: int,
                timeout: float, max_redirects: int) -> Fetched:
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        raise FetchError(422, "URL 格式不正确", "malformed URL") from None
    first_host = current.host
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False,
                                 timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0))) as client:
        for _hop in range(max_redirects + 1):
            if current.scheme not in ("http", "https") or not current.host:
                raise FetchError(422, "只能抓取 http(s) 地址", "only http(s) URLs can be fetched")
            if current.host != first_host:
                raise FetchError(422, f"不允许重定向到其他主机 {current.host}",
                                 f"redirect to another host ({current.host}) refused")
            if not host_allowed(current.host, allow_hosts):
                raise FetchError(422, f"主机 {current.host} 不在该来源的允许列表中",
                                 f"host {current.host} is not allow-listed for this source")
            port = current.port or (443 if current.scheme == "https" else 80)
            ip = await resolve_checked(current.host, port, allow_private)
            target = current.copy_with(host=ip)
            host_header = current.host if current.port is None else f"{current.host}:{current.port}"
            try:
                async with client.stream("GET", target, headers={"Host": host_header},
                                         extensions={"sni_hostname": current.host}) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        current = current.join(resp.headers["location"])
                        continue
                    if resp.status_code != 200:
                        raise FetchError(502, f"来源服务器返回 HTTP {resp.status_code}",
                                         f"the source server answered HTTP {resp.status_code}")
                    data = await read_capped(resp.aiter_bytes(), resp.headers.get("content-length"),
                                             max_bytes, _too_large)
                    ctype = resp.headers.get("content-type")
                    return Fetched(data, ctype.split(";")[0].strip() if ctype else None,
                                   _filename(current), str(current))
            except httpx.TimeoutException:
                raise FetchError(504, "抓取超时", "fetching the URL timed out") from None
            except httpx.HTTPError as e:
                raise FetchError(502, f"抓取失败：{type(e).__name__}", f"fetching the URL failed: {type(e).__name__}") from e
        raise FetchError(502, "重定向次数过多", "too many redirects")


def _too_large(limit: int) -> FetchError:
    return FetchError(413, f"文件过大（上限 {limit} 字节）", f"payload too large (limit {limit} bytes)")
