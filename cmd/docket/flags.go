package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// settingValue is a typed flag for a setting. It parses with the same
// function as the environment, so a bad value reads the same from either.
type settingValue struct {
	s       setting
	scratch Config // holds the parsed value
}

func (v *settingValue) String() string {
	switch p := v.s.field(&v.scratch).(type) {
	case *int:
		return fmt.Sprint(*p)
	case *time.Duration:
		return p.String()
	case *string:
		return *p
	}
	return ""
}

func (v *settingValue) Set(x string) error { return v.s.set(&v.scratch, x) }

func (v *settingValue) Type() string {
	switch v.s.field(&v.scratch).(type) {
	case *int:
		return "int"
	case *time.Duration:
		return "duration"
	}
	return "string"
}

// addSettingFlags gives cmd the flags of the settings it uses, persistent
// so that its subcommands have them too, with the defaults shown. The root
// gets the settings every command uses.
func addSettingFlags(cmd *cobra.Command) {
	def := defaultConfig()
	for _, s := range settings {
		if s.secret() {
			continue
		}
		if cmd.HasParent() != (len(s.cmds) > 0) || (cmd.HasParent() && !slices.Contains(s.cmds, cmd.Name())) {
			continue
		}
		v := &settingValue{s: s, scratch: def}
		cmd.PersistentFlags().AddFlag(&pflag.Flag{Name: s.flag(), Usage: s.help + " [" + s.env() + "]",
			Value: v, DefValue: v.String()})
	}
}

// changedSettings applies the setting flags given on the command line.
func changedSettings(cfg *Config, fs *pflag.FlagSet) error {
	for _, s := range settings {
		f := fs.Lookup(s.flag())
		if s.secret() || f == nil || !f.Changed {
			continue
		}
		if err := s.set(cfg, f.Value.String()); err != nil {
			return configErrorf("--%s: %s: %v", s.flag(), s.key, err)
		}
	}
	return nil
}
