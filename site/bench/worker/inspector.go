package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The Worker's JavaScript heap, for the soak: workerd's V8 inspector (the
// Worker's workerd listens for it on a port of its own choosing, which
// wrangler dev's own inspector proxy connects to) answers
// Runtime.getHeapUsage for the Worker's isolate: the JavaScript objects of
// entry.mjs, syumai's runtime and wasm_exec.js, but not the wasm memory,
// which the Go program's own figures cover.

// jsHeap is one reading of Runtime.getHeapUsage, in bytes.
type jsHeap struct {
	Used  int64 `json:"usedSize"`
	Total int64 `json:"totalSize"`
}

// findInspector finds the inspector of the Worker's isolate among the
// ports workerd process pid listens on: the one whose /json lists a
// "core:user:" worker.
func findInspector(pid int) (string, error) {
	ports, err := listeningPorts(pid)
	if err != nil {
		return "", err
	}
	client := &http.Client{Timeout: 2 * time.Second}
	for _, port := range ports {
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/json", port))
		if err != nil {
			continue
		}
		var targets []struct {
			ID  string `json:"id"`
			URL string `json:"webSocketDebuggerUrl"`
		}
		err = json.NewDecoder(resp.Body).Decode(&targets)
		resp.Body.Close()
		if err != nil {
			continue
		}
		for _, t := range targets {
			if strings.HasPrefix(t.ID, "core:user:") {
				return t.URL, nil
			}
		}
	}
	return "", fmt.Errorf("no inspector of the Worker's isolate among the ports of workerd %d (%v)", pid, ports)
}

// listeningPorts lists the IPv4 TCP ports process pid listens on, from
// /proc/PID/net/tcp and the sockets among its file descriptors.
func listeningPorts(pid int) ([]int, error) {
	fds, err := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	for _, fd := range fds {
		if l, err := os.Readlink(fd); err == nil && strings.HasPrefix(l, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return nil, err
	}
	var ports []int
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		// local address, remote address, state (0A: listening), ..., inode
		if len(f) < 10 || f[3] != "0A" || !mine[f[9]] {
			continue
		}
		_, hexPort, _ := strings.Cut(f[1], ":")
		if p, err := strconv.ParseInt(hexPort, 16, 32); err == nil {
			ports = append(ports, int(p))
		}
	}
	return ports, nil
}

// readJSHeap asks the inspector at wsURL for the isolate's heap usage, over
// a WebSocket of its own (RFC 6455, the least of it: one masked text frame
// out, unfragmented frames in).
func readJSHeap(wsURL string) (jsHeap, error) {
	var h jsHeap
	u, err := url.Parse(wsURL)
	if err != nil {
		return h, err
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return h, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
		u.RequestURI(), u.Host, base64.StdEncoding.EncodeToString(key))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return h, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return h, fmt.Errorf("the inspector refused the WebSocket: %s", resp.Status)
	}
	const id = 7
	msg, _ := json.Marshal(map[string]any{"id": id, "method": "Runtime.getHeapUsage"})
	if _, err := conn.Write(wsFrame(msg)); err != nil {
		return h, err
	}
	for {
		opcode, payload, err := readWSFrame(r)
		if err != nil {
			return h, err
		}
		if opcode != 1 { // not text
			continue
		}
		var m struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(payload, &m) != nil || m.ID != id {
			continue
		}
		if m.Error != nil {
			return h, fmt.Errorf("Runtime.getHeapUsage: %s", m.Error)
		}
		return h, json.Unmarshal(m.Result, &h)
	}
}

// wsFrame is a final, masked text frame holding payload.
func wsFrame(payload []byte) []byte {
	f := []byte{0x81}
	switch n := len(payload); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n < 1<<16:
		f = append(f, 0x80|126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	mask := make([]byte, 4)
	_, _ = rand.Read(mask)
	f = append(f, mask...)
	for i, b := range payload {
		f = append(f, b^mask[i%4])
	}
	return f
}

// readWSFrame reads one unmasked frame from the server.
func readWSFrame(r io.Reader) (opcode byte, payload []byte, err error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > 64<<20 {
		return 0, nil, fmt.Errorf("a WebSocket frame of %d bytes", n)
	}
	payload = make([]byte, n)
	_, err = io.ReadFull(r, payload)
	return hdr[0] & 0x0f, payload, err
}
