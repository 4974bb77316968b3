package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/summary"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newSummaryCmd) }

func newSummaryCmd() *cobra.Command {
	var f commonFlags
	var top int
	cmd := &cobra.Command{
		Use:   "summary [flags] CAPTURES...",
		Short: "Per-device packets, bytes, Tx/Rx, LAN/WAN and protocols",
		Long: `summary counts, per device, the packets and bytes it sent (Ethernet source = the device's
MAC) and received (Ethernet destination), first and last time seen, bytes exchanged with the
LAN and with the Internet (WAN), and its top protocols. Byte counts use the original wire
length, also when the capture cut packets short (snaplen).

CAPTURES are pcap/pcapng files (optionally .gz/.zst; the format is detected from the magic
number), directories (searched recursively) or text files listing one capture path per line.`,
		Example: `  iotlens summary --devices Device_MAC_Name_Mapping.csv madea/
  iotlens summary madea/                      # discover devices from ARP/DHCP/mDNS/SSDP
  iotlens summary --format json -o summary.json --devices devices.yaml uclouvain/
  iotlens summary --device plug --mac 50:c7:bf:00:c7:03 capture.pcapng`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.checkFormat("table", "csv", "json"); err != nil {
				return err
			}
			opts := f.pipelineOptions(cmd, args)
			opts.Analyses = []engine.Analysis{summary.Analysis{}}
			out, err := pipeline.Run(cmd.Context(), opts)
			if err != nil || out.Sharded {
				return err
			}
			rows := summary.Build(out.Partial(summary.Name).(*summary.Partial), out.Inventory, top)
			if err := writeSummary(cmd.OutOrStdout(), f.out, f.format, rows); err != nil {
				return err
			}
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "write to this file instead of standard output", []string{"table", "csv", "json"})
	cmd.Flags().IntVar(&top, "top", 3, "protocols listed per device")
	return cmd
}

func writeSummary(stdout io.Writer, path, format string, rows []summary.Row) error {
	render := func(w io.Writer) error {
		switch format {
		case "csv":
			cw := output.NewCSV(w, false)
			if err := cw.Write(summary.Header); err != nil {
				return err
			}
			for i := range rows {
				if err := cw.Write(rows[i].Record()); err != nil {
					return err
				}
			}
			return cw.Flush()
		case "json":
			return output.JSON(w, rows)
		}
		return summaryTable(w, rows)
	}
	if path == "" {
		return render(stdout)
	}
	return output.WriteFile(path, func(w *bufio.Writer) error { return render(w) })
}

func summaryTable(w io.Writer, rows []summary.Row) error {
	header := []string{"DEVICE", "MAC", "IP", "VENDOR", "TX PKTS", "TX BYTES", "RX PKTS", "RX BYTES", "LAN BYTES", "WAN BYTES", "FIRST SEEN", "LAST SEEN", "TOP PROTOCOLS", "WARNINGS"}
	var cells [][]string
	for i := range rows {
		r := &rows[i]
		rec := r.Record()
		name := r.Device
		if r.Role == "gateway" {
			name += " [gateway]"
		}
		cells = append(cells, []string{name, first(r.MACs), first(r.IPs), r.Vendor,
			rec[8], rec[9], rec[10], rec[11], rec[12], rec[13], r.FirstSeen, r.LastSeen,
			strings.Join(r.TopProtocols, " "), strings.Join(r.Warnings, "; ")})
	}
	return output.Table(w, header, cells, 40)
}

func first(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return s[0] + " +" + strconv.Itoa(len(s)-1)
}
