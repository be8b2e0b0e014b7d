package flow

import (
	"go.yaml.in/yaml/v3"
)

// rawPack is pack.yaml.
type rawPack struct {
	Name        string                    `yaml:"name"`
	Portal      string                    `yaml:"portal"`
	Description string                    `yaml:"description"`
	Maintenance string                    `yaml:"maintenance"`
	SignIn      *rawSignIn                `yaml:"sign_in"`
	Layouts     map[string]LayoutSettings `yaml:"layouts"`
	Pin         string                    `yaml:"pin"`
}

type rawSignIn struct {
	SignIn `yaml:",inline"`
	After  yaml.Node `yaml:"after"`
}

// decodePack reads pack.yaml into p.
func decodePack(p *Pack, data []byte) error {
	n, err := parseYAML(data)
	if err != nil {
		return err
	}
	var raw rawPack
	if err := decodeStrict(n, &raw); err != nil {
		return err
	}
	switch {
	case raw.Name == "":
		return errAt(n, "key name is missing")
	case raw.Portal == "":
		return errAt(n, "key portal is missing")
	}
	p.Name, p.Portal, p.Description, p.Maintenance, p.Pinned = raw.Name, raw.Portal, raw.Description, raw.Maintenance, raw.Pin
	p.Settings = raw.Layouts
	if raw.SignIn != nil {
		si := raw.SignIn.SignIn
		if raw.SignIn.After.Kind != 0 {
			if si.After, err = decodeSteps(&raw.SignIn.After, "sign_in.after."); err != nil {
				return err
			}
		}
		p.SignIn = &si
	}
	return nil
}
