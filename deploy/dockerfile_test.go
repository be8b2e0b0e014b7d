package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// dockerfilePath is deploy/Dockerfile, relative to this package.
const dockerfilePath = "Dockerfile"

// instruction is one Dockerfile instruction as BuildKit's parser reads it.
type instruction struct {
	cmd   string   // lower case: from, copy, run, ...
	flags []string // --from=build, --mount=...
	args  []string // words; for the exec (JSON) form, the array items
	json  bool     // exec form
	line  int
}

// where names the instruction in messages.
func (in instruction) where() string {
	return fmt.Sprintf("deploy/Dockerfile:%d (%s)", in.line, strings.ToUpper(in.cmd))
}

// flag returns the value of --name=value.
func (in instruction) flag(name string) (string, bool) {
	for _, f := range in.flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// stage is one FROM and the instructions up to the next.
type stage struct {
	name   string // the AS name; may be empty
	image  string
	line   int
	instrs []instruction
}

// env is what ARG defaults and ENV set in the stage, in order.
func (s stage) env() map[string]string {
	env := map[string]string{}
	for _, in := range s.instrs {
		switch in.cmd {
		case "arg":
			for _, a := range in.args {
				k, v, _ := strings.Cut(a, "=")
				env[k] = v
			}
		case "env":
			// The parser gives key, value, separator triples.
			for i := 0; i+1 < len(in.args); i += 3 {
				env[in.args[i]] = in.args[i+1]
			}
		}
	}
	return env
}

// last returns the stage's last instruction of kind cmd.
func (s stage) last(cmd string) (instruction, bool) {
	for i := len(s.instrs) - 1; i >= 0; i-- {
		if s.instrs[i].cmd == cmd {
			return s.instrs[i], true
		}
	}
	return instruction{}, false
}

// dockerfile is deploy/Dockerfile parsed.
type dockerfile struct {
	stages []stage
}

// runtime is the final stage: the image.
func (d *dockerfile) runtime() stage { return d.stages[len(d.stages)-1] }

// goBuild finds the RUN that builds docket: its stage, the instruction and
// the words of the go build command with the stage's variables expanded.
func (d *dockerfile) goBuild() (stage, instruction, []string, error) {
	for _, st := range d.stages {
		for _, in := range st.instrs {
			if in.cmd != "run" || in.json || len(in.args) != 1 {
				continue
			}
			for _, part := range strings.Split(in.args[0], "&&") {
				if !strings.Contains(part, "go build") {
					continue
				}
				env := st.env()
				var kv []string
				for k, v := range env {
					kv = append(kv, k+"="+v)
				}
				words, err := shell.NewLex('\\').ProcessWords(strings.TrimSpace(part), shell.EnvsFromSlice(kv))
				if err != nil {
					return st, in, nil, fmt.Errorf("%s: %w", in.where(), err)
				}
				return st, in, words, nil
			}
		}
	}
	return stage{}, instruction{}, nil, fmt.Errorf("deploy/Dockerfile: no RUN runs go build")
}

// parseDockerfile reads deploy/Dockerfile with BuildKit's parser; parser
// warnings are errors.
func parseDockerfile() (*dockerfile, error) {
	f, err := os.Open(dockerfilePath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("deploy/Dockerfile: %w", err)
	}
	if len(res.Warnings) > 0 {
		return nil, fmt.Errorf("deploy/Dockerfile: %s", res.Warnings[0].Short)
	}
	var d dockerfile
	for _, n := range res.AST.Children {
		in := instruction{cmd: strings.ToLower(n.Value), flags: n.Flags, json: n.Attributes["json"], line: n.StartLine}
		for a := n.Next; a != nil; a = a.Next {
			in.args = append(in.args, a.Value)
		}
		if in.cmd == "from" {
			st := stage{image: in.args[0], line: in.line}
			if len(in.args) == 3 && strings.EqualFold(in.args[1], "as") {
				st.name = in.args[2]
			}
			d.stages = append(d.stages, st)
			continue
		}
		if len(d.stages) == 0 {
			continue // ARG before the first FROM
		}
		last := &d.stages[len(d.stages)-1]
		last.instrs = append(last.instrs, in)
	}
	if len(d.stages) == 0 {
		return nil, fmt.Errorf("deploy/Dockerfile: no FROM")
	}
	return &d, nil
}

// imageUser is the runtime stage's USER as numeric uid and gid.
func (d *dockerfile) imageUser() (uid, gid int64, err error) {
	in, ok := d.runtime().last("user")
	if !ok {
		return 0, 0, fmt.Errorf("deploy/Dockerfile: the image sets no USER: it would run as root")
	}
	u, g, _ := strings.Cut(in.args[0], ":")
	uid, err = strconv.ParseInt(u, 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: user %q is not numeric (Kubernetes cannot verify runAsNonRoot)", in.where(), in.args[0])
	}
	gid = uid
	if g != "" {
		if gid, err = strconv.ParseInt(g, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("%s: group %q is not numeric", in.where(), g)
		}
	}
	return uid, gid, nil
}

// exposed is the runtime stage's EXPOSEd TCP ports.
func (d *dockerfile) exposed() map[int32]bool {
	ports := map[int32]bool{}
	for _, in := range d.runtime().instrs {
		if in.cmd != "expose" {
			continue
		}
		for _, a := range in.args {
			p, proto, _ := strings.Cut(a, "/")
			if n, err := strconv.ParseInt(p, 10, 32); err == nil && (proto == "" || proto == "tcp") {
				ports[int32(n)] = true
			}
		}
	}
	return ports
}

// aptPackages lists what the runtime stage's RUN instructions apt-get install.
func (d *dockerfile) aptPackages() map[string]bool {
	pkgs := map[string]bool{}
	for _, in := range d.runtime().instrs {
		if in.cmd != "run" || in.json {
			continue
		}
		for _, part := range strings.Split(strings.Join(in.args, " "), "&&") {
			f := strings.Fields(part)
			if len(f) < 2 || f[0] != "apt-get" || f[1] != "install" {
				continue
			}
			for _, w := range f[2:] {
				if !strings.HasPrefix(w, "-") {
					pkgs[w] = true
				}
			}
		}
	}
	return pkgs
}

// binaryIn returns where the runtime stage puts the file that the stage
// from built at path (COPY --from=from path dest).
func (d *dockerfile) binaryIn(from stage, path string) (string, bool) {
	for _, in := range d.runtime().instrs {
		src, ok := in.flag("from")
		if in.cmd != "copy" || !ok || (src != from.name && src != strconv.Itoa(d.index(from))) {
			continue
		}
		if len(in.args) == 2 && filepath.Clean(in.args[0]) == filepath.Clean(path) {
			dest := in.args[1]
			if strings.HasSuffix(dest, "/") {
				dest += filepath.Base(path)
			}
			return dest, true
		}
	}
	return "", false
}

func (d *dockerfile) index(s stage) int {
	for i, st := range d.stages {
		if st.line == s.line {
			return i
		}
	}
	return -1
}
